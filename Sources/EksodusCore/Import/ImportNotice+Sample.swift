extension ImportNotice {
    /// The first few notes of a file, one notice each, then one line for the rest. `skipped`: the notes are
    /// documents left out (counted in the import's "Skipped N documents"), not warnings about kept ones.
    static func sample(_ notes: SampledNotices, file: String, what: String, skipped: Bool) -> [ImportNotice] {
        var notices = notes.first.map {
            ImportNotice(file: file, line: $0.line, message: $0.text + (skipped ? "; skipped" : ""), skipped: skipped ? 1 : 0)
        }
        if notes.more > 0 {
            notices.append(ImportNotice(file: file, line: 0, message: "… and \(notes.more) more \(what) in \(file)", skipped: skipped ? notes.more : 0))
        }
        return notices
    }
}
