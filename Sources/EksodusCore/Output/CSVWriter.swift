/// A CSV file written row by row into one buffer, as `TableRenderer.csvBytes` writes a table: for detail files of tens of
/// megabytes (the runbook's commands, the checklist), where a table of cells and the joined copies of every step's
/// commands cost more memory than the file.
struct CSVWriter {
    private(set) var bytes: [UInt8] = []
    private var fields = 0

    /// `capacity`: the bytes expected, so that a large file is not copied as its buffer grows.
    init(columns: [String], capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
        for column in columns { field(column) }
        endRow()
    }

    private mutating func separate() {
        if fields > 0 { bytes.append(UInt8(ascii: ",")) }
        fields += 1
    }

    mutating func field(_ text: String) {
        separate()
        CSVField.append(text, to: &bytes)
    }

    mutating func field(_ number: Int?) {
        separate()
        if let number { CSVField.append(String(number), to: &bytes) }
    }

    /// Lines in one field, joined by LF.
    mutating func field(lines: [String]) {
        separate()
        CSVField.append(lines: lines, to: &bytes)
    }

    /// Words in one field, joined by spaces (as a `.list` cell is).
    mutating func field(words: [String]) {
        field(words.joined(separator: " "))
    }

    mutating func endRow() {
        bytes.append(contentsOf: CSVField.lineEnd)
        fields = 0
    }
}
