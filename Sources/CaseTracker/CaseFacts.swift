public import Foundation

/// What may leave the store about one case, for reports and exports: its times, language, topic,
/// the volunteer who held it and the worker's yes or no. Nothing that could point to the worker:
/// no pseudonym, no channel, no words (not the volunteer's close outcome either, which may repeat
/// what the worker said). The type has no field for them, so no report can print them by mistake.
public struct CaseFacts: Sendable, Equatable {
    public var id: Int64
    public var status: CaseStatus
    public var language: String
    public var topic: String
    public var urgent: Bool
    /// Closed with `block` (abuse): the worker was not asked whether it helped.
    public var blocked: Bool
    /// When the case opened, or last reopened.
    public var openedAt: Date
    /// The first claim since `openedAt`, from the case's events: the `claimed_at` column moves on a
    /// transfer, empties on a release and outlives a reopen, so it does not say how long the
    /// worker waited.
    public var claimedAt: Date?
    public var closedAt: Date?
    /// The volunteer who holds the case, or held it when it closed (an alias, never a worker).
    public var claimedBy: String?
    /// The worker's answer to "did this help?": `yes`, `no`, or nil (no answer).
    public var feedback: String?
    /// Check-ins sent while an urgent case waited unclaimed.
    public var checkins: Int

    public init(
        id: Int64, status: CaseStatus, language: String, topic: String, urgent: Bool = false, blocked: Bool = false,
        openedAt: Date, claimedAt: Date? = nil, closedAt: Date? = nil, claimedBy: String? = nil, feedback: String? = nil,
        checkins: Int = 0
    ) {
        self.id = id
        self.status = status
        self.language = language
        self.topic = topic
        self.urgent = urgent
        self.blocked = blocked
        self.openedAt = openedAt
        self.claimedAt = claimedAt
        self.closedAt = closedAt
        self.claimedBy = claimedBy
        self.feedback = feedback
        self.checkins = checkins
    }

    /// Seconds from opening to the first claim, or to the close.
    public var timeToClaim: TimeInterval? { claimedAt.map { $0.timeIntervalSince(openedAt) } }
    public var timeToClose: TimeInterval? { closedAt.map { $0.timeIntervalSince(openedAt) } }
}
