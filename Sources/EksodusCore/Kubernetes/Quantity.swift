/// Kubernetes resource quantities (`250m`, `1.5`, `512Mi`, `1G`, `2e3`), as used in requests, limits and sizes.
public enum Quantity {
    private static let binary: [String: Double] = [
        "Ki": 1024, "Mi": 1_048_576, "Gi": 1_073_741_824, "Ti": 1_099_511_627_776,
        "Pi": 1_125_899_906_842_624, "Ei": 1_152_921_504_606_846_976,
    ]
    private static let decimal: [String: Double] = [
        "n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
    ]

    /// The quantity in base units (cores, bytes), or nil when the text is not a quantity.
    public static func parse(_ text: String) -> Double? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        var number = trimmed
        var suffix = ""
        if let index = trimmed.firstIndex(where: { $0.isLetter }) {
            let head = String(trimmed[..<index])
            let tail = String(trimmed[index...])
            // An exponent (`2e3`, `1E-2`) is part of the number, not a suffix.
            if (tail.hasPrefix("e") || tail.hasPrefix("E")), tail.count > 1, Double(head + tail) != nil {
                return Double(head + tail)
            }
            number = head
            suffix = tail
        }
        guard let value = Double(number) else { return nil }
        if let factor = binary[suffix] ?? decimal[suffix] { return value * factor }
        return nil
    }

    /// CPU in millicores, rounded up.
    public static func millicores(_ text: String) -> Int? {
        parse(text).flatMap { integer(up($0 * 1000)) }
    }

    /// Memory or storage in bytes, rounded up.
    public static func bytes(_ text: String) -> Int? {
        parse(text).flatMap { integer(up($0)) }
    }

    /// Rounded up, except that a value a binary fraction leaves just above a whole number is that number:
    /// `3800m` is 3.8000000000000003 cores, which is 3800 millicores, not 3801.
    private static func up(_ value: Double) -> Double {
        let nearest = value.rounded()
        return abs(value - nearest) <= max(1, abs(value)) * 1e-12 ? nearest : value.rounded(.up)
    }

    /// A whole number that fits an Int, or nil (infinite, NaN, negative or too large: not a usable quantity).
    private static func integer(_ value: Double) -> Int? {
        guard value.isFinite, value >= 0, value < 9.2e18 else { return nil }
        return Int(value)
    }

    /// A compact human form of a byte count: 512Mi, 10Gi, 1.5Ti.
    public static func formatBytes(_ bytes: Int) -> String {
        let units = ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"]
        for unit in units {
            guard let factor = binary[unit] else { continue }
            if Double(bytes) >= factor {
                let value = Double(bytes) / factor
                return value == value.rounded() ? "\(Int(value))\(unit)" : "\(String(format1(value)))\(unit)"
            }
        }
        return "\(bytes)"
    }

    private static func format1(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }
}
