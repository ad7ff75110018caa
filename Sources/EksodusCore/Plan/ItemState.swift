/// The state of a checklist item, and the moves between states that the cutover commands make.
public enum ItemState: String, CaseIterable, Sendable {
    case pending
    case inProgress = "in_progress"
    case done, blocked, skipped

    /// Prerequisites in these states let dependent items go ahead.
    public var satisfiesDependents: Bool { self == .done || self == .skipped }
}

public enum CutoverAction: String, CaseIterable, Sendable {
    case start, done, block, skip, reopen

    public var target: ItemState {
        switch self {
        case .start: return .inProgress
        case .done: return .done
        case .block: return .blocked
        case .skip: return .skipped
        case .reopen: return .pending
        }
    }

    /// The states this action may be taken from.
    public var allowedFrom: Set<ItemState> {
        switch self {
        case .start: return [.pending, .blocked]
        case .done: return [.pending, .inProgress]
        case .block: return [.pending, .inProgress]
        case .skip: return [.pending, .inProgress, .blocked]
        case .reopen: return [.inProgress, .done, .blocked, .skipped]
        }
    }

    /// Block and skip must say why.
    public var needsReason: Bool { self == .block || self == .skip }

    /// Start and done wait for the prerequisites (unless forced).
    public var needsPrerequisites: Bool { self == .start || self == .done }
}
