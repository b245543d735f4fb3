// swift-tools-version:6.0
import PackageDescription

/// libFuzzer executables, one per fuzz target, in a package of their own (as swift-nio and swift-protobuf do):
/// they must be built with `-sanitize=fuzzer`, which the main package must never get. The invariants live in the
/// main package's `FuzzChecks`, which `FuzzCorpusTests` also runs. Build and run them with `scripts/fuzz`.
let targets = ["FuzzIRC", "FuzzPollAnswer", "FuzzPollHeaders", "FuzzAnswerFile", "FuzzNormalizer"]

let package = Package(
    name: "entraide-fuzz",
    dependencies: [
        .package(name: "entraide", path: "..")
    ],
    targets: targets.map { target in
        .executableTarget(
            name: target,
            dependencies: [.product(name: "FuzzChecks", package: "entraide")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        )
    }
)
