import Foundation

/// Turns the Markdown the report templates produce (headings, paragraphs, lists and task lists, tables, fenced code)
/// into HTML, with heading anchors and a table of contents. The diagrams' placeholder lines become their inline SVG; Mermaid
/// blocks (a team template's) stay readable source: the page loads nothing.
enum MarkdownHTML {
    struct Page {
        var title: String
        var body: String
        var toc: String
    }

    static func convert(_ markdown: String, diagrams: ReportDiagram.Placeholders? = nil) -> Page {
        var html: [String] = []
        var toc: [(level: Int, id: String, text: String)] = []
        var title = ""
        var paragraph: [String] = []
        var list: [String] = []
        var table: [[String]] = []
        var code: [String]?
        var codeLanguage = ""
        var fence = "```"
        var usedIDs: [String: Int] = [:]

        func flushParagraph() {
            if !paragraph.isEmpty { html.append("<p>" + inline(paragraph.joined(separator: " ")) + "</p>") }
            paragraph = []
        }
        func flushList() {
            if !list.isEmpty { html.append("<ul>\n" + list.joined(separator: "\n") + "\n</ul>") }
            list = []
        }
        func flushTable() {
            guard table.count >= 2 else {
                paragraph += table.map { $0.joined(separator: " | ") }
                table = []
                return
            }
            // A wide table scrolls inside its own box, not the page.
            var out = "<div class=\"table-scroll\"><table>\n<thead><tr>" + table[0].map { "<th>\(inline($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
            for row in table.dropFirst(2) { out += "<tr>" + row.map { "<td>\(inline($0))</td>" }.joined() + "</tr>\n" }
            html.append(out + "</tbody>\n</table></div>")
            table = []
        }
        func flushAll() {
            flushParagraph()
            flushList()
            flushTable()
        }

        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if var block = code {
                if CodeFence.closes(line, fence: fence) {
                    let body = escape(block.joined(separator: "\n"))
                    if codeLanguage == "mermaid" {
                        html.append("<p class=\"diagram-note\">Mermaid diagram (source shown; paste it into any Mermaid viewer to draw it):</p>\n<pre class=\"mermaid-source\"><code>\(body)</code></pre>")
                    } else {
                        html.append("<pre><code>\(body)</code></pre>")
                    }
                    code = nil
                } else {
                    block.append(line)
                    code = block
                }
                continue
            }
            if let opening = CodeFence.opening(line) {
                flushAll()
                fence = opening
                codeLanguage = String(line.dropFirst(opening.count)).trimmingWhitespace()
                code = []
                continue
            }
            let trimmed = line.trimmingWhitespace()
            if let svg = diagrams?.svg(for: trimmed) {
                flushAll()
                html.append("<figure class=\"diagram\">\n\(svg)\n</figure>")
                continue
            }
            if trimmed.isEmpty {
                flushAll()
                continue
            }
            if let hashes = trimmed.firstIndex(where: { $0 != "#" }), trimmed.hasPrefix("#"), trimmed[hashes] == " " {
                flushAll()
                let level = trimmed.distance(from: trimmed.startIndex, to: hashes)
                let text = String(trimmed[trimmed.index(after: hashes)...])
                var id = slug(text)
                if let seen = usedIDs[id] { usedIDs[id] = seen + 1; id += "-\(seen + 1)" } else { usedIDs[id] = 1 }
                if level == 1 && title.isEmpty { title = plain(text) }
                if level == 2 || level == 3 { toc.append((level, id, plain(text))) }
                html.append("<h\(level) id=\"\(id)\">\(inline(text))</h\(level)>")
                continue
            }
            if trimmed.hasPrefix("|") {
                flushParagraph()
                flushList()
                var cells = tableCells(String(trimmed.dropFirst()))
                if cells.last == "" { cells.removeLast() }
                table.append(cells)
                continue
            }
            if trimmed.hasPrefix("- ") {
                flushParagraph()
                flushTable()
                var item = String(trimmed.dropFirst(2))
                if item.hasPrefix("[ ] ") || item.hasPrefix("[x] ") {
                    let checked = item.hasPrefix("[x]")
                    item = String(item.dropFirst(4))
                    list.append("<li class=\"task\"><input type=\"checkbox\" disabled\(checked ? " checked" : "")> \(inline(item))</li>")
                } else {
                    list.append("<li>\(inline(item))</li>")
                }
                continue
            }
            flushList()
            flushTable()
            paragraph.append(trimmed)
        }
        flushAll()
        var tocHTML = "<ul>\n"
        for entry in toc {
            tocHTML += "<li\(entry.level == 3 ? " style=\"margin-left: 0.8rem\"" : "")><a href=\"#\(entry.id)\">\(escape(entry.text))</a></li>\n"
        }
        tocHTML += "</ul>"
        return Page(title: title, body: html.joined(separator: "\n"), toc: tocHTML)
    }

    /// Splits a table row at its unescaped bars; escapes stay for `inline` to resolve.
    static func tableCells(_ row: String) -> [String] {
        var cells: [String] = []
        var cell = ""
        var escaped = false
        for character in row {
            if escaped {
                cell.append(character)
                escaped = false
            } else if character == "\\" {
                cell.append(character)
                escaped = true
            } else if character == "|" {
                cells.append(cell.trimmingWhitespace())
                cell = ""
            } else {
                cell.append(character)
            }
        }
        cells.append(cell.trimmingWhitespace())
        return cells
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    /// `code` (delimited by runs of any length), backslash escapes, **bold** and _emphasis_ or *emphasis*; everything HTML-escaped.
    /// Code spans are set aside as placeholders while the line is styled, so emphasis may enclose them.
    static func inline(_ text: String) -> String {
        var marked = ""
        var spans: [String] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "\\", index + 1 < characters.count, let scalar = characters[index + 1].unicodeScalars.first,
               characters[index + 1].unicodeScalars.count == 1, isASCIIPunctuation(scalar) {
                // An escaped character is literal: kept out of the markup until the line is styled.
                marked.unicodeScalars.append(Unicode.Scalar(escapedBase + scalar.value) ?? scalar)
                index += 2
                continue
            }
            if character == "`" {
                var run = 0
                while index + run < characters.count && characters[index + run] == "`" { run += 1 }
                if let close = closingRun(characters, from: index + run, length: run) {
                    var content = String(characters[(index + run)..<close])
                    if content.count >= 2, content.hasPrefix(" "), content.hasSuffix(" "), content.contains(where: { $0 != " " }) {
                        content = String(content.dropFirst().dropLast())
                    }
                    spans.append("<code>" + escape(content) + "</code>")
                    marked.unicodeScalars.append(Unicode.Scalar(codeBase + UInt32(spans.count - 1)) ?? " ")
                    index = close + run
                    continue
                }
                // No closing run: the stray backticks are dropped.
                index += run
                continue
            }
            marked.append(character)
            index += 1
        }
        let styledText = styled(marked)
        guard !spans.isEmpty else { return styledText }
        var out = ""
        for scalar in styledText.unicodeScalars {
            if scalar.value >= codeBase, scalar.value - codeBase < UInt32(spans.count) { out += spans[Int(scalar.value - codeBase)] } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    static func isASCIIPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value > 0x20 && scalar.value < 0x7F && !scalar.isASCIILetter && !("0"..."9").contains(scalar)
    }

    /// Escaped ASCII punctuation is carried through styling as a private-use scalar at this offset.
    private static let escapedBase: UInt32 = 0x10_0000
    /// The code spans of a line stand in its text as private-use scalars from this one (plane 15) while it is styled.
    private static let codeBase: UInt32 = 0xF_0000

    private static func closingRun(_ characters: [Character], from start: Int, length: Int) -> Int? {
        var index = start
        while index < characters.count {
            guard characters[index] == "`" else { index += 1; continue }
            var run = 0
            while index + run < characters.count && characters[index + run] == "`" { run += 1 }
            if run == length { return index }
            index += run
        }
        return nil
    }

    private static func styled(_ text: String) -> String {
        var out = escape(text)
        // Links to the detail files beside a report, `[findings.csv](findings.csv)`: text from the inventory cannot
        // form one (MarkdownText escapes `]` before `(`), and only a plain file name is accepted.
        if out.contains("](") {
            out = out.replacingOccurrences(of: #"\[([A-Za-z0-9_-]+\.(?:csv|json))\]\(\1\)"#, with: "<a href=\"$1\">$1</a>", options: .regularExpression)
        }
        out = replacePairs(out, marker: "**", open: "<strong>", close: "</strong>")
        // Emphasis opens after a non-word character and closes before one, so `REDIS_ADDR` and `a_b_c` stay as they are.
        out = out.replacingOccurrences(of: #"(?<![\p{L}\p{N}_])_(?![\s_])(.+?)(?<![\s_])_(?![\p{L}\p{N}_])"#, with: "<em>$1</em>", options: .regularExpression)
        out = out.replacingOccurrences(of: #"(?<![\p{L}\p{N}*])\*(?![\s*])(.+?)(?<![\s*])\*(?!\*)"#, with: "<em>$1</em>", options: .regularExpression)
        return unescapeLiterals(out)
    }

    /// Turns the placeholders of escaped characters back into (HTML-escaped) characters.
    private static func unescapeLiterals(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value >= escapedBase && $0.value < escapedBase + 0x80 }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value >= escapedBase && scalar.value < escapedBase + 0x80, let literal = Unicode.Scalar(scalar.value - escapedBase) {
                out += escape(String(literal))
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func replacePairs(_ text: String, marker: String, open: String, close: String) -> String {
        let parts = text.components(separatedBy: marker)
        guard parts.count >= 3, (parts.count - 1) % 2 == 0 else { return text }
        var out = parts[0]
        for (index, part) in parts.dropFirst().enumerated() { out += (index % 2 == 0 ? open : close) + part }
        return out
    }

    static func slug(_ text: String) -> String {
        var out = ""
        for character in plain(text).lowercased() {
            if character.isLetter || character.isNumber { out.append(character) } else if !out.hasSuffix("-") { out.append("-") }
        }
        return out.trimmingCharacters(in: ["-"])
    }

    /// Heading text without Markdown marks or escapes.
    static func plain(_ text: String) -> String {
        var out = ""
        var escaped = false
        for character in text.replacingOccurrences(of: "**", with: "") {
            if escaped {
                out.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character != "`" {
                out.append(character)
            }
        }
        return out
    }
}
