extension ImportNotice {
    /// The first few notes of a file, one notice each, then one line for the rest.
    static func sample(_ notes: SampledNotices, file: String, what: String, suffix: String, counted: Bool) -> [ImportNotice] {
        var notices = notes.first.map { ImportNotice(file: file, line: $0.line, message: $0.text + suffix, skipped: counted ? 1 : 0) }
        if notes.more > 0 {
            notices.append(ImportNotice(file: file, line: 0, message: "… and \(notes.more) more \(what) in \(file)",
                                        skipped: counted ? notes.more : 0))
        }
        return notices
    }
}
