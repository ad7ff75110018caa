/// 32-bit FNV-1a as 8 hex digits: a stable suffix that keeps apart names which clean up alike (ALB groups, file and folder
/// names). Stable across runs and platforms, unlike Swift's per-process seeded Hasher.
enum ShortHash {
    static func hex(_ text: String) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
