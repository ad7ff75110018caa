/// How far an archive may expand before the import refuses it as hostile (a gzip bomb, a member that
/// declares terabytes). Kubernetes JSON compresses about 10 to 30 times; 200 leaves room for padding-heavy tars.
public struct ArchiveLimits: Sendable {
    /// Decompressed bytes allowed per compressed byte read so far (plus `slack`, for small archives of zeros).
    public var maxExpansion: Int = 200
    public var slack: Int = 16 << 20
    /// Decompressed bytes allowed in all, whatever the ratio.
    public var maxTotal: Int = 64 << 30
    /// A member's declared size; far beyond any export file, far below what would overflow a count.
    public var maxMember: Int64 = 16 << 30
    /// A GNU long name or a pax header is a few hundred bytes; more is not a header.
    public var maxHeaderRecord: Int = 1 << 20

    public init() {}
    public static let standard = ArchiveLimits()
}
