/// Notes about a file (documents skipped, duplicate keys) that keep only the first few, in line order, and
/// count the rest: a file of a million `--- 42` documents yields five lines and a total, not a million lines.
struct SampledNotices {
    static let kept = 5

    private(set) var first: [(line: Int, text: String)] = []
    private(set) var total = 0

    var more: Int { total - first.count }

    mutating func add(line: Int, _ text: String) {
        total += 1
        if first.count < Self.kept { first.append((line, text)) }
    }

    /// Both files' notes, as if they had been added in line order.
    mutating func merge(_ other: SampledNotices) {
        first = Array((first + other.first).sorted { $0.line < $1.line }.prefix(Self.kept))
        total += other.total
    }
}
