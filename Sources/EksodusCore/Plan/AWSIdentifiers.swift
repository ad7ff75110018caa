/// The checks on the AWS values a plan is given on the command line, before any of them is stored or written into a script.
public enum AWSIdentifiers {
    /// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `us-isob-east-1`: lower case, as AWS spells regions.
    public static func isRegion(_ text: String) -> Bool {
        text.range(of: #"\A[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+\z"#, options: .regularExpression) != nil
    }

    /// Twelve ASCII digits.
    public static func isAccountID(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
