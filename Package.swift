// swift-tools-version:6.0
import PackageDescription

/// One list of settings for every Swift target, so that no module quietly opts out
/// (the pattern of swift-log's and hummingbird's manifests).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "entraide",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "entraide", targets: ["entraide"]),
        // For the libFuzzer package in FuzzTesting/, which builds with sanitizer flags this package must not get.
        .library(name: "FuzzChecks", targets: ["FuzzChecks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // The relay's HTTP server (and later the dashboard and metrics): see docs/http-channel.md for why.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        // Already built for Hummingbird; named for NIOCore's TimeAmount (the listeners' idle timeout).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // Header names for the relay's routes (Hummingbird's own header types).
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // libcurl from Debian (libcurl4-openssl-dev), found through pkg-config.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Typed, non-variadic wrappers of curl_easy_setopt/getinfo and curl_multi_setopt. A C target
        // rather than a header in CCurl, because SwiftPM rebuilds a C target when it changes.
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        // libcrypto from Debian (libssl-dev) for HMAC-SHA256 pseudonyms: no crypto of our own.
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "Transport",
            dependencies: ["CCurl", "CCurlShim", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Pure IRC: parse and serialise messages, sanitise, split to the line budget. No I/O.
        .target(name: "IRC", swiftSettings: swiftSettings),
        // Snowball stemmers from Debian (libstemmer-dev); the library has no pkg-config file.
        .systemLibrary(
            name: "CStemmer",
            providers: [.apt(["libstemmer-dev"])]
        ),
        // glibc's malloc_trim (malloc.h is not in Swift's Glibc module): the answer library returns the training's
        // freed memory to the system after each load (docs/benchmarks.md, memory).
        .systemLibrary(name: "CMalloc"),
        // Owner-only files for secrets: created so, refused at start when others can read or replace them.
        .target(name: "PrivateFiles", swiftSettings: swiftSettings),
        // English word vectors distilled from a sentence model (scripts/distil-word-vectors), linked in as data.
        .target(
            name: "CWordVectors",
            exclude: ["word-vectors.bin", "NOTICE"],
            // Optimised in debug builds too, as IntentMatcher is: its dot product runs in every test that matches.
            cSettings: [.headerSearchPath("."), .unsafeFlags(["-O2"], .when(configuration: .debug))]
        ),
        .target(
            name: "IntentMatcher",
            dependencies: ["Yams", "CStemmer", "CWordVectors"],
            // Optimised in debug builds too: every test that loads answers trains the learned model, which
            // takes 0.6 s optimised and 25 s unoptimised.
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // The crisis safety net: cues read before and apart from intent matching, and the crisis lines.
        .target(
            name: "SafetyNet",
            dependencies: ["IntentMatcher", "Yams"],
            swiftSettings: swiftSettings
        ),
        // The records a channel handles (a message in, a reply out, what became of it, a volunteer): plain
        // values shared by the store and the channels, so that channels need not import the store.
        .target(name: "ChannelRecords", swiftSettings: swiftSettings),
        .target(
            name: "CaseTracker",
            dependencies: [
                "ChannelRecords", "CCrypto", "PrivateFiles",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Helpline",
            dependencies: [
                "IntentMatcher", "CaseTracker", "ChannelRecords", "SafetyNet", "CMalloc",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP polling protocol's shared parts, used by both ends (the bot's channel and the
        // relay): wire types, HMAC signatures with a replay window, the retry rules. No I/O.
        .target(name: "PollProtocol", dependencies: ["CCrypto"], swiftSettings: swiftSettings),
        .target(
            name: "Gateway",
            dependencies: [
                // Not CaseTracker: channels reach the helpline through its Mailbox port only.
                "Helpline", "ChannelRecords", "Transport", "IRC", "IntentMatcher", "PollProtocol",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // `entraide relay`: the protocol's endpoint, its own store, its HTTP server.
        .target(
            name: "Relay",
            dependencies: [
                "PollProtocol", "Transport", "ChannelRecords", "PrivateFiles",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "entraide",
            dependencies: [
                "Gateway", "Helpline", "IntentMatcher", "SafetyNet", "CaseTracker", "Transport", "Yams", "Relay", "PollProtocol",
                "PrivateFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // The health endpoint of `serve` (already built for the relay).
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The invariants of the code that reads untrusted bytes, one function per fuzz target: called by the
        // libFuzzer executables in FuzzTesting/ and by FuzzCorpusTests, which replays their corpora.
        .target(
            name: "FuzzChecks",
            dependencies: ["IRC", "IntentMatcher", "Gateway", "Helpline", "CaseTracker", "PollProtocol", "Transport"],
            swiftSettings: swiftSettings
        ),
        // Starting and stopping real servers on free loopback ports, shared by the test targets.
        .target(name: "TestSupport", dependencies: ["IRC", "Transport"], path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "TransportTests",
            dependencies: ["Transport", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IRCTests",
            // Transport for its LineFramer: the framer the IRC channel reads with, tested here with IRC lines.
            dependencies: ["IRC", "Transport"],
            resources: [.copy("Vectors")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntentMatcherTests",
            dependencies: ["IntentMatcher"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SafetyNetTests",
            dependencies: ["SafetyNet", "IntentMatcher"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CaseTrackerTests",
            dependencies: ["CaseTracker", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HelplineTests",
            dependencies: ["Helpline", "IntentMatcher", "SafetyNet", "CaseTracker", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: ["Gateway", "Helpline", "IRC", "IntentMatcher", "CaseTracker", "Transport", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RelayTests",
            dependencies: [
                "Relay", "PollProtocol", "Gateway", "Helpline", "IntentMatcher", "CaseTracker", "Transport", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FuzzCorpusTests",
            dependencies: ["FuzzChecks"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EntraideTests",
            dependencies: ["TestSupport", "SafetyNet"],
            swiftSettings: swiftSettings
        ),
    ]
)
