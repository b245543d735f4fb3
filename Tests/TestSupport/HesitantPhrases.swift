/// Phrases about two topics at once, for tests that need the helpline to ask "which one?". Which of them the
/// matcher hesitates on moves whenever the answers or the model change (its clarify margin is calibrated on
/// the answer set), so a test takes the first one that gets a menu and says so when none does.
public enum HesitantPhrases {
    public static let english = [
        "rejected and my rating fell",
        "nda and joining a union, allowed?",
        "what counts as fair pay for surveys",
        "my pay is late and my rating dropped",
        "minimum pay or unpaid time",
        "is an nda legal for union members",
        "unpaid training time and minimum wage",
        "my account was suspended and my payment never arrived",
    ]
}
