/// A manifest that cannot be read, with the place it went wrong (lines and columns count from 1).
public struct ManifestSyntaxError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "\(file):\(line):\(column): \(message)" }
}
