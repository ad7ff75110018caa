import Foundation

/// The `apiVersion` of the `kubectl.kubernetes.io/last-applied-configuration` annotation: the version the team's own
/// manifests are written in, which a live export hides behind the version the API server serves (a Deployment applied
/// as extensions/v1beta1 is read back as apps/v1). Only this field is read; the annotation itself is never kept, since
/// it repeats the whole object as applied, Secret data included.
enum AppliedAPIVersion {
    /// The annotation `kubectl apply` writes (the reader keeps only its apiVersion; the inventory never stores it).
    static let annotation = "kubectl.kubernetes.io/last-applied-configuration"

    /// A version is `group/version` or `version`: lower-case letters, digits, '.', '-' and one '/'.
    static func isPlausible(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.count <= 253 && text.filter { $0 == "/" }.count <= 1
            && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || ".-/".unicodeScalars.contains($0) }
    }

    /// The annotation's top-level `apiVersion`, or nil when the text is not a JSON object naming a plausible one.
    static func read(_ annotation: String) -> String? {
        // kubectl writes the object with Go's encoding/json, keys sorted: apiVersion comes first.
        let prefix = "{\"apiVersion\":\""
        if annotation.hasPrefix(prefix) {
            let rest = annotation.dropFirst(prefix.count)
            if let end = rest.firstIndex(of: "\"") {
                let version = rest[..<end]
                return isPlausible(version) ? String(version) : nil
            }
        }
        // Otherwise parse it, unless it cannot name one (the parse costs more than the scan).
        guard annotation.first == "{", annotation.contains("\"apiVersion\""),
              let object = (try? JSONSerialization.jsonObject(with: Data(annotation.utf8))) as? [String: Any],
              let version = object["apiVersion"] as? String, isPlausible(Substring(version)) else { return nil }
        return version
    }
}
