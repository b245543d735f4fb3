import CaseTracker

/// What `entraide --version` prints: the release, and the store schema this build writes (read
/// from the migrations, so a new migration shows here without anyone editing this file).
enum Version {
    /// Raised with each release; then run scripts/embed-safety (the built-in crisis cues name the release).
    static let release = "0.5.0"

    static var line: String {
        "entraide \(release) (store schema \(CaseStore.latestSchemaVersion))"
    }
}
