/// An archive that cannot be read, naming the archive and, when it went wrong inside one, the member.
public struct ArchiveError: Error, CustomStringConvertible, Sendable {
    public var archive: String
    public var member: String?
    public var message: String

    public var description: String {
        guard let member else { return "\(archive): \(message)" }
        return "\(archive):\(member.visibleLine): \(message)"
    }
}
