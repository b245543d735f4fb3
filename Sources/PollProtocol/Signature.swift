/// The protocol's optional signature: `Entraide-Signature: t=<unix seconds>,v1=<hex>` where the hex
/// is HMAC-SHA256(secret, "<t>.<raw body>") — Stripe's scheme, so existing webhook code fits.
///
/// The timestamp limits replay to `tolerance` (300 s, Stripe's SDK default); several `v1` entries
/// may appear while a secret is being rotated, and any one of them matching is enough.
public struct Signature: Sendable {
    public static let headerName = "Entraide-Signature"
    public static let defaultTolerance: Int64 = 300

    private let secrets: [[UInt8]]
    public let tolerance: Int64

    /// The first secret signs; every secret is accepted when verifying (rotation).
    public init(secrets: [String], tolerance: Int64 = Signature.defaultTolerance) {
        self.secrets = secrets.filter { !$0.isEmpty }.map { Array($0.utf8) }
        self.tolerance = tolerance
    }

    public var isEnabled: Bool { !secrets.isEmpty }

    /// The header value for `body` at `timestamp` (Unix seconds).
    public func sign(_ body: [UInt8], timestamp: Int64) -> String {
        header(for: Self.signedPayload(body, timestamp), timestamp: timestamp)
    }

    private func header(for payload: [UInt8], timestamp: Int64) -> String {
        guard let secret = secrets.first else { return "" }
        return "t=\(timestamp),v1=\(HMACSHA256.hex(key: secret, message: payload))"
    }

    /// The header value of an answer to the request whose matched MAC is `request` (lowercase hex): the signed
    /// payload is "<t>.<request>.<body>", so a validly signed answer cannot be replayed as the answer to another
    /// request (issue #18: one captured `{"status":"stored"}` acknowledged 19 replies the relay never got).
    public func sign(_ body: [UInt8], timestamp: Int64, answering request: String) -> String {
        header(for: Self.signedPayload(body, timestamp, answering: request), timestamp: timestamp)
    }

    /// Checks an answer's header against its raw body and the request it must answer (see
    /// `sign(_:timestamp:answering:)`). Returns the timestamp on success.
    public func verify(header: String?, body: [UInt8], now: Int64, answering request: String) throws(SignatureError) -> Int64 {
        try verified(header: header, body: body, now: now, answering: request).timestamp
    }

    /// The MAC of a request as its receiver binds its answer to it: the `v1` that matched, in lowercase hex.
    /// With `replays`, a signature admitted before is refused (see `verify(header:body:now:admittingOnce:)`).
    public func verifiedRequest(
        header: String?, body: [UInt8], now: Int64, admittingOnce replays: ReplayGuard? = nil
    ) throws(SignatureError) -> String {
        let (timestamp, mac) = try verified(header: header, body: body, now: now)
        if let replays { try Self.admit(timestamp: timestamp, mac: mac, to: replays, now: now) }
        return mac.lowercaseHex
    }

    /// The `v1` MAC of a header this side signed (one `v1`: it signs with its first secret only), to check the
    /// answer against: nil when the header has none.
    public static func signedMAC(of header: String) -> String? {
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingSpaces == "v1" { return String(pair[1].trimmingSpaces) }
        }
        return nil
    }

    /// Checks a header against the raw body. Returns the timestamp on success.
    public func verify(header: String?, body: [UInt8], now: Int64) throws(SignatureError) -> Int64 {
        try verified(header: header, body: body, now: now).timestamp
    }

    /// Checks a header and refuses it if the same signature was admitted before, however it is spelt. The
    /// replay guard keys on the timestamp and the MAC that matched, not on the header's text: spaces, another
    /// order or a `v1` given twice used to make a captured request look new (issue #18).
    public func verify(
        header: String?, body: [UInt8], now: Int64, admittingOnce replays: ReplayGuard
    ) throws(SignatureError) -> Int64 {
        let (timestamp, mac) = try verified(header: header, body: body, now: now)
        try Self.admit(timestamp: timestamp, mac: mac, to: replays, now: now)
        return timestamp
    }

    /// The one canonical form a replay guard records: the timestamp and the MAC that matched.
    private static func admit(timestamp: Int64, mac: [UInt8], to replays: ReplayGuard, now: Int64) throws(SignatureError) {
        try replays.admit("\(timestamp).\(mac.lowercaseHex)", timestamp: timestamp, now: now)
    }

    /// The timestamp and the MAC that matched one of the secrets; an answer's payload names its request.
    private func verified(
        header: String?, body: [UInt8], now: Int64, answering request: String? = nil
    ) throws(SignatureError) -> (timestamp: Int64, mac: [UInt8]) {
        guard let header, !header.isEmpty else { throw SignatureError(.missing) }
        var timestamp: Int64?
        var candidates: [[UInt8]] = []
        for part in header.split(separator: ",", omittingEmptySubsequences: true) {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { throw SignatureError(.malformed) }
            let name = pair[0].trimmingSpaces
            let value = pair[1].trimmingSpaces
            switch name {
            case "t":
                guard timestamp == nil, let parsed = Int64(value), value.allSatisfy({ $0.isASCII && $0.isNumber })
                else { throw SignatureError(.malformed) }
                timestamp = parsed
            case "v1":
                guard let bytes = Self.lowercaseHexBytes(value), bytes.count == 32 else { throw SignatureError(.malformed) }
                candidates.append(bytes)
            default:
                continue  // other schemes (v0, a future v2) are ignored, as Stripe's SDKs do
            }
        }
        guard let timestamp, !candidates.isEmpty else { throw SignatureError(.malformed) }
        guard abs(now - timestamp) <= tolerance else { throw SignatureError(.outsideWindow) }
        let payload = Self.signedPayload(body, timestamp, answering: request)
        for secret in secrets {
            let expected = HMACSHA256.mac(key: secret, message: payload)
            for candidate in candidates where HMACSHA256.constantTimeEqual(expected, candidate) { return (timestamp, expected) }
        }
        throw SignatureError(.mismatch)
    }

    static func signedPayload(_ body: [UInt8], _ timestamp: Int64, answering request: String? = nil) -> [UInt8] {
        Array("\(timestamp).".utf8) + (request.map { Array("\($0).".utf8) } ?? []) + body
    }

    /// Only lowercase hex is accepted: one spelling per signature, nothing to normalise.
    static func lowercaseHexBytes<S: StringProtocol>(_ text: S) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// GitHub's webhook signature, `X-Hub-Signature-256: sha256=<hex HMAC(secret, body)>`: no
/// timestamp, so no replay window; accepted by the relay's `/inbound` for providers that only speak it.
public enum GitHubSignature {
    public static let headerName = "X-Hub-Signature-256"

    public static func sign(_ body: [UInt8], secret: String) -> String {
        "sha256=" + HMACSHA256.hex(key: Array(secret.utf8), message: body)
    }

    public static func verify(header: String?, body: [UInt8], secret: String) -> Bool {
        guard let header, header.hasPrefix("sha256="),
            let given = Signature.lowercaseHexBytes(header.dropFirst("sha256=".count)), given.count == 32
        else { return false }
        return HMACSHA256.constantTimeEqual(HMACSHA256.mac(key: Array(secret.utf8), message: body), given)
    }
}

/// Why a signature was refused; the relay answers 401 and logs the kind, never the header.
public struct SignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case missing, malformed, outsideWindow = "outside_window", mismatch, replayed
    }

    public let kind: Kind
    public init(_ kind: Kind) { self.kind = kind }

    public var description: String {
        switch kind {
        case .missing: "no \(Signature.headerName) header"
        case .malformed: "the \(Signature.headerName) header is not t=<unix seconds>,v1=<64 lowercase hex digits>"
        case .outsideWindow: "the signature's timestamp is more than 300 s from this server's clock; check both clocks (NTP)"
        case .mismatch: "the signature does not match: check the shared secret on both sides"
        case .replayed: "this signature was already used: sign each delivery afresh"
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
