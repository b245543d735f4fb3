public import Foundation

public enum CaseStatus: String, Sendable, Codable {
    case open, claimed, closed
}

/// A worker's request for a person, from escalation to close. Volunteers see the pseudonym only.
public struct HelplineCase: Sendable, Equatable {
    public var id: Int64
    public var pseudonym: String
    public var channel: String
    public var language: String
    /// The intent that escalated (`human`, `crisis`, …) or `unclear` after failed clarifications.
    public var topic: String
    public var urgent: Bool
    public var status: CaseStatus
    public var claimedBy: String?
    public var blocked: Bool
    public var outcome: String?
    public var openedAt: Date
    public var claimedAt: Date?
    public var closedAt: Date?
    public var remindedAt: Date?
    /// Check-ins sent to the worker while the urgent case waited unclaimed, and the last one's time.
    public var checkins: Int = 0
    public var checkedInAt: Date?
    /// The worker's answer to "did this help?" after the close: `yes`, `no`, or nil (no answer).
    public var feedback: String?
    /// A transfer waiting for its receiver to accept it, and since when.
    public var offeredTo: String?
    public var offeredAt: Date?

    public init(
        id: Int64, pseudonym: String, channel: String, language: String, topic: String, urgent: Bool, status: CaseStatus,
        claimedBy: String?, blocked: Bool, outcome: String?, openedAt: Date, claimedAt: Date? = nil, closedAt: Date? = nil,
        remindedAt: Date? = nil, checkins: Int = 0, checkedInAt: Date? = nil, feedback: String? = nil, offeredTo: String? = nil,
        offeredAt: Date? = nil
    ) {
        self.id = id
        self.pseudonym = pseudonym
        self.channel = channel
        self.language = language
        self.topic = topic
        self.urgent = urgent
        self.status = status
        self.claimedBy = claimedBy
        self.blocked = blocked
        self.outcome = outcome
        self.openedAt = openedAt
        self.claimedAt = claimedAt
        self.closedAt = closedAt
        self.remindedAt = remindedAt
        self.checkins = checkins
        self.checkedInAt = checkedInAt
        self.feedback = feedback
        self.offeredTo = offeredTo
        self.offeredAt = offeredAt
    }
}

public struct CaseEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case opened, reopened, workerMessage = "worker_message", volunteerReply = "volunteer_reply", note, claim, release,
            transfer, close, block, feedback
    }

    public var kind: Kind
    /// `worker`, `bot`, or a volunteer's alias.
    public var actor: String
    public var text: String?
    public var at: Date
}

/// A message for volunteers (an announcement in their channel, a private message to a claimant).
public struct Announcement: Sendable, Equatable {
    public var channel: String
    /// A channel name or a volunteer's nick.
    public var target: String
    public var text: String

    public init(channel: String, target: String, text: String) {
        self.channel = channel
        self.target = target
        self.text = text
    }
}

/// What a claim did. Exactly one of several volunteers claiming at once gets `.claimed`.
public enum ClaimOutcome: Sendable, Equatable {
    case claimed(HelplineCase)
    case heldBy(String)
    case closed
    case notFound
}

/// Why a volunteer's action on a case was not done, worded for the volunteer.
public struct CaseActionRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// One audit record as stored.
public struct AuditRecord: Sendable, Equatable {
    public var id: Int64
    public var at: String
    public var actor: String
    public var action: String
    public var caseID: Int64?
    public var outcome: String
    public var detail: String
    public var previousHash: String
    public var hash: String
    /// The digest of `detail` that the link covers (nil: a record written before the chain had digests, whose
    /// link covers the detail itself); `detail` may then be erased and the chain still verifies.
    public var detailDigest: String? = nil
    /// Whether the link and the digest are HMACs under the audit key rather than plain SHA-256.
    public var keyed = false

    /// The hash a record written before digests (`detailDigest` nil) should have.
    public var expectedHash: String {
        Digest.sha256Hex([previousHash, at, actor, action, caseID.map(String.init) ?? "", outcome, detail].joined(separator: "|"))
    }

    /// What a record's link covers since digests: its fields, its detail's digest and its predecessor's link.
    static func linkPayload(previous: String, at: String, actor: String, action: String, caseID: Int64?, outcome: String,
                            detailDigest: String) -> String {
        [previous, at, actor, action, caseID.map(String.init) ?? "", outcome, detailDigest].joined(separator: "|")
    }

    static func detailPayload(_ detail: String) -> String { "detail|" + detail }
}

public struct CaseStatistics: Sendable, Equatable {
    public var open: Int
    public var claimed: Int
    public var closedLastWeek: Int
    /// Median time from open to claim over the last 20 claimed cases, if any.
    public var medianTimeToClaim: TimeInterval?
}
