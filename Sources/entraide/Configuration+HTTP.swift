import Foundation
import Gateway

/// The HTTP polling channel's settings (`http.*`): which endpoint, which flavour, how it waits.
/// The token and the signing secret are secrets: environment or a `…_file` key, never YAML values.
struct HTTPSettings: Sendable, Equatable {
    /// `generic` (docs/http-channel.md, e.g. `entraide relay`) or `telegram` (the Bot API).
    var flavour = "generic"
    /// The endpoint's base URL; empty means no HTTP channel. For `telegram`, the Bot API server
    /// without the `/bot<token>` part (`https://api.telegram.org` or a self-hosted one).
    var baseURL = ""
    /// A file holding the bearer token (generic) or the bot token (telegram); or the environment.
    var tokenFile = ""
    /// A file holding the signature secret (generic only); empty: unsigned.
    var signingSecretFile = ""
    var pollWaitSeconds = 25
    var connectTimeoutSeconds = 10
    var requestTimeoutSeconds = 15
    var maxResponseBytes = 1 << 20
    var sendConcurrency = 4
    var retryBaseMilliseconds = 500
    var retryCapSeconds = 60
}

extension Configuration {
    static let httpKeys: [Key] = [
        Key(name: "http.flavour") { config, value in
            guard value == "generic" || value == "telegram" else { return "must be generic or telegram" }
            config.http.flavour = value
            return nil
        },
        Key(name: "http.base_url") { config, value in
            let lower = value.lowercased()
            guard value.isEmpty || lower.hasPrefix("https://") || lower.hasPrefix("http://") else {
                return "must start with https:// (or http:// on a private network)"
            }
            guard lower.range(of: #"/bot[0-9]+:"#, options: .regularExpression) == nil else {
                return "must not contain the bot token: give https://api.telegram.org and set ENTRAIDE_TELEGRAM_TOKEN"
            }
            config.http.baseURL = value
            return nil
        },
        .text("http.token_file", \.http.tokenFile),
        .text("http.signing_secret_file", \.http.signingSecretFile),
        .integer("http.poll_wait_seconds", 0...50, \.http.pollWaitSeconds),
        .integer("http.connect_timeout_seconds", 1...120, \.http.connectTimeoutSeconds),
        .integer("http.request_timeout_seconds", 1...300, \.http.requestTimeoutSeconds),
        Key(name: "http.max_response_bytes") { config, value in
            integer(value, 1024...(64 << 20)) { config.http.maxResponseBytes = $0 }
        },
        .integer("http.send_concurrency", 1...64, \.http.sendConcurrency),
        .integer("http.retry_base_ms", 1...60_000, \.http.retryBaseMilliseconds),
        .integer("http.retry_cap_seconds", 1...3600, \.http.retryCapSeconds),
    ]
}

extension Configuration {
    /// The HTTP channel's settings with its secrets, or nil when `http.base_url` is empty.
    func httpChannelConfiguration(environment: [String: String]) throws -> HTTPPollChannelConfiguration? {
        guard !http.baseURL.isEmpty else { return nil }
        let telegram = http.flavour == "telegram"
        let variable = telegram ? "ENTRAIDE_TELEGRAM_TOKEN" : "ENTRAIDE_HTTP_TOKEN"
        let token = try Self.secret(environment: environment, variable: variable, file: http.tokenFile)
        let secret = try Self.secret(
            environment: environment, variable: "ENTRAIDE_HTTP_SIGNING_SECRET", file: http.signingSecretFile)
        var baseURL = http.baseURL
        if telegram {
            guard let token else {
                throw ConfigurationError("http.flavour is telegram but no bot token: set ENTRAIDE_TELEGRAM_TOKEN or http.token_file")
            }
            // The token is part of every Bot API URL; the URL is never logged.
            baseURL = (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/bot" + token
        } else if token == nil {
            throw ConfigurationError("http.base_url is set but no bearer token: set ENTRAIDE_HTTP_TOKEN or http.token_file")
        }
        return HTTPPollChannelConfiguration(
            flavour: telegram ? .telegram : .generic, baseURL: baseURL, token: telegram ? nil : token,
            signingSecret: telegram ? nil : secret, pollWait: .seconds(http.pollWaitSeconds),
            connectTimeout: .seconds(http.connectTimeoutSeconds), requestTimeout: .seconds(http.requestTimeoutSeconds),
            maxResponseBytes: http.maxResponseBytes, sendConcurrency: http.sendConcurrency,
            retryBase: .milliseconds(http.retryBaseMilliseconds), retryCap: .seconds(http.retryCapSeconds))
    }
}
