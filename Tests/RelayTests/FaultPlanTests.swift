import Relay
import Testing

/// The relay's fault language (tests only): what each rule parses to, and the errors that say what to fix.
@Suite struct FaultPlanTests {
    @Test func refusalsAreDrawnPerRecipientOnReplies() throws {
        let plan = try FaultPlan(spec: "403@messages=100%:to=+99")
        #expect(plan.refuses(recipient: "+99123"))
        #expect(!plan.refuses(recipient: "+33123"))
        // A refusal is never drawn as a route-wide fault: other requests go through untouched.
        #expect(plan.draw(for: .messages) == nil)
        #expect(plan.draw(for: .updates) == nil)
        #expect(try !FaultPlan(spec: "403=0%:to=+99").refuses(recipient: "+991"))
    }

    @Test func aRefusalWithoutRecipientsOrOnUpdatesIsAnError() {
        for spec in ["403@messages=100%", "403@updates=100%:to=+99", "403=1/0:to=x"] {
            #expect(throws: RelayError.self, "\(spec)") { try FaultPlan(spec: spec) }
        }
    }

    @Test func routeWideFaultsStillParse() throws {
        let plan = try FaultPlan(spec: "500@messages=1/1,429=1/1:retry_after=2")
        #expect(plan.draw(for: .messages) == .serverError)
        #expect(plan.draw(for: .updates) == .tooManyRequests(retryAfterSeconds: 2))
    }
}
