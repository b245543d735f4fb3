/// Everything `entraide relay` needs, from its command line and environment.
public struct RelayConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Where `relay.sqlite` lives.
    public var dataDirectory: String
    /// The bearer token the bot presents on `/updates` and `/messages` (secret).
    public var botToken: String
    /// The signature secret shared with the bot (secret); nil: requests and answers unsigned.
    public var botSigningSecret: String?
    /// The secret that signs `POST /inbound` (secret); every inbound message must carry it.
    public var inboundSecret: String
    /// Where replies are POSTed (a provider's API or a form backend); nil keeps them for `GET /outbound`.
    public var outboundWebhookURL: String?
    /// The secret that signs those POSTs (secret); nil: unsigned.
    public var outboundWebhookSecret: String?
    /// The bearer token of `GET /outbound` (secret); nil closes that route.
    public var formToken: String?
    /// The longest hold of a long-poll; a bot asking for more gets this.
    public var maxWait: Duration
    public var fullSync: Bool
    public var faults: FaultPlan
    /// The largest request body accepted.
    public var maxBodyBytes: Int

    public init(
        host: String = "127.0.0.1", port: Int = 8787, dataDirectory: String = "relay-data", botToken: String,
        botSigningSecret: String? = nil, inboundSecret: String, outboundWebhookURL: String? = nil,
        outboundWebhookSecret: String? = nil, formToken: String? = nil, maxWait: Duration = .seconds(60),
        fullSync: Bool = true, faults: FaultPlan = FaultPlan(), maxBodyBytes: Int = 64 * 1024
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.botToken = botToken
        self.botSigningSecret = botSigningSecret
        self.inboundSecret = inboundSecret
        self.outboundWebhookURL = outboundWebhookURL
        self.outboundWebhookSecret = outboundWebhookSecret
        self.formToken = formToken
        self.maxWait = maxWait
        self.fullSync = fullSync
        self.faults = faults
        self.maxBodyBytes = maxBodyBytes
    }
}
