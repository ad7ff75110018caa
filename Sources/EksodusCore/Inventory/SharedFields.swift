/// A struct's fields kept in one immutable, shared object: copying the struct costs one retain instead of one per string or
/// dictionary (checks and planner copy tens of thousands of resources, workloads and containers). Setting a field gives the
/// struct a new object of its own, so a copy never sees another's change.
struct SharedFields<Fields: Sendable>: Sendable {
    private final class Storage: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var storage: Storage

    init(_ fields: Fields) { storage = Storage(fields) }

    var fields: Fields { storage.fields }

    mutating func update(_ change: (inout Fields) -> Void) {
        var fields = storage.fields
        change(&fields)
        storage = Storage(fields)
    }
}
