/// The programs whose `-p` is a password. To most tools `-p` is a port (`redis-server -p 6379`, `psql -p 5432`) or a path,
/// so the masking rules ask which program a `-p` is given to: the first word of its command, past assignments and
/// wrappers (`sudo`, `env`, `exec`…), without its directory.
///
/// - Attached, `-pSECRET`: the MySQL and MariaDB clients (`mysql`, `mysqldump`, `mariadb-admin`…), sshpass, MongoDB's
///   shell and tools (`mongosh`, `mongodump`…), rabbitmqadmin.
/// - Its own word, `-p SECRET`: sshpass, MongoDB's shell and tools, rabbitmqadmin. Not the MySQL clients: their `-p`
///   alone asks for the password, and the next word is the database (MySQL manual, "--password").
enum PasswordFlagPrograms {
    static func takesAttachedPassword(_ program: some Collection<UInt8>) -> Bool {
        hasPrefix(program, "mysql") || hasPrefix(program, "mariadb") || takesSeparatePassword(program)
    }

    static func takesSeparatePassword(_ program: some Collection<UInt8>) -> Bool {
        program.elementsEqual("sshpass".utf8) || program.elementsEqual("rabbitmqadmin".utf8)
            || (hasPrefix(program, "mongo") && !program.elementsEqual("mongod".utf8) && !program.elementsEqual("mongos".utf8))
    }

    /// sshpass reads its options up to the command it runs (`sshpass -p SECRET ssh -p 2222 host`): a `-p` after that
    /// command's name is the command's (ssh's port).
    static func stopsAtFirstOperand(_ program: some Collection<UInt8>) -> Bool {
        program.elementsEqual("sshpass".utf8)
    }

    private static func hasPrefix(_ program: some Collection<UInt8>, _ prefix: StaticString) -> Bool {
        program.count >= prefix.utf8CodeUnitCount && program.prefix(prefix.utf8CodeUnitCount).elementsEqual(UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
    }

    /// Words that run the next word as the command.
    private static let wrappers: [String] = ["sudo", "env", "exec", "nohup", "command", "time", "nice"]

    /// The program of a list of arguments (a container's `command`): its first word that is no assignment or wrapper.
    static func program(of words: [String]) -> String? {
        for word in words {
            if word.contains("=") || wrappers.contains(word) { continue }
            return word.split(separator: "/").last.map(String.init) ?? word
        }
        return nil
    }

    /// The program of the shell command that the word starting at `index` of `bytes` belongs to: the first word after the
    /// last separator before it (start of text, line end, `;`, `&`, `|`, `(`, a backquote or a quote), as `program(of:)`.
    static func program(before index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var start = index
        while start > 0, !separates(bytes[start - 1]) { start -= 1 }
        var position = start
        while position < index {
            while position < index, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t") { position += 1 }
            var end = position
            while end < index, bytes[end] != UInt8(ascii: " "), bytes[end] != UInt8(ascii: "\t") { end += 1 }
            guard end > position else { return nil }
            let word = UnsafeBufferPointer(rebasing: bytes[position..<end])
            if word.contains(UInt8(ascii: "=")) || wrappers.contains(where: { word.elementsEqual($0.utf8) }) {
                position = end
                continue
            }
            let name = (word.lastIndex(of: UInt8(ascii: "/")).map { position + $0 + 1 }) ?? position
            return name..<end
        }
        return nil
    }

    private static func separates(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "&")
            || byte == UInt8(ascii: "|") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: "`") || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "'")
    }
}
