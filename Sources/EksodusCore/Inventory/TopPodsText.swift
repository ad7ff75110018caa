import Foundation

/// `kubectl top pods` output: `NAMESPACE NAME CPU(cores) MEMORY(bytes)` with `-A`, `NAME CPU(cores) MEMORY(bytes)`
/// without it (the pods are then in the import's default namespace), with or without the header line
/// (`--no-headers`). A file is taken for top output when its first non-empty line is such a header or row;
/// after that every line must be one, and one that is not stops the import with its file and line.
enum TopPodsText {
    struct Malformed: Error, CustomStringConvertible {
        var file: String
        var line: Int
        var text: String
        var description: String {
            "\(file):\(line): not a line of `kubectl top pods` output (NAMESPACE NAME CPU MEMORY): '\(text.visibleLine)'"
        }
    }

    /// Top output is small (a line per pod): more than this is not what it looks like.
    static let maxBytes = 64 << 20

    /// The rows of a top output file, or nil when the file does not look like one.
    static func read(path: String, file: String, defaultNamespace: String) throws -> (usage: [PodUsage], bytes: Data)? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        guard let firstLine = String(decoding: head, as: UTF8.self).split(whereSeparator: \.isNewline).first,
              isHeader(firstLine) || row(firstLine, defaultNamespace: defaultNamespace) != nil else { return nil }
        var data = head
        data.append((try? handle.read(upToCount: maxBytes)) ?? Data())
        guard data.count <= maxBytes else { return nil }
        return (try parse(String(decoding: data, as: UTF8.self), file: file, defaultNamespace: defaultNamespace), data)
    }

    static func parse(_ text: String, file: String, defaultNamespace: String) throws -> [PodUsage] {
        var result: [PodUsage] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || isHeader(Substring(trimmed)) { continue }
            guard var usage = row(Substring(trimmed), defaultNamespace: defaultNamespace) else {
                throw Malformed(file: file, line: index + 1, text: String(trimmed.prefix(120)))
            }
            usage.line = index + 1
            result.append(usage)
        }
        return result
    }

    static func isHeader(_ line: Substring) -> Bool {
        let columns = line.split(whereSeparator: \.isWhitespace)
        return columns.last == "MEMORY(bytes)" && columns.contains("CPU(cores)")
    }

    /// One row: the CPU column in cores or millicores (`250m`, `2`), memory with a unit (`128Mi`).
    static func row(_ line: Substring, defaultNamespace: String) -> PodUsage? {
        let columns = line.split(whereSeparator: \.isWhitespace).map(String.init)
        guard columns.count == 3 || columns.count == 4 else { return nil }
        let namespace = columns.count == 4 ? columns[0] : defaultNamespace
        let name = columns[columns.count - 3]
        guard DNSLabel.isValid(namespace), !name.isEmpty, name.utf8.count <= 253, !name.hasPrefix("-"),
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-.".unicodeScalars.contains($0) }),
              let cpu = Quantity.millicores(columns[columns.count - 2]), columns[columns.count - 1].last?.isLetter == true,
              let memory = Quantity.bytes(columns[columns.count - 1]) else { return nil }
        return PodUsage(namespace: namespace, pod: name, cpuMillicores: cpu, memoryBytes: memory, source: "top", observedAt: nil, line: 0)
    }
}
