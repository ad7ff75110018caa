/// The fields that identify an object must be strings when present: the API server refuses `kind: 5`,
/// `name: {a: 1}` or `namespace: [x]`, and storing them as text would invent an object it would never hold.
enum ObjectHeaderCheck {
    /// Why `object` cannot be a Kubernetes object, or nil when its identifying fields are well-typed.
    static func problem(_ object: ManifestNode) -> String? {
        for key in ["apiVersion", "kind"] {
            if let problem = notString(object[key], named: key) { return problem }
        }
        guard let metadata = object["metadata"], !metadata.isNull else { return nil }
        guard metadata.isMapping else { return "an object whose metadata is \(describe(metadata)), not a mapping" }
        for key in ["name", "namespace"] {
            if let problem = notString(metadata[key], named: "metadata.\(key)") { return problem }
        }
        return nil
    }

    private static func notString(_ value: ManifestNode?, named name: String) -> String? {
        guard let value, !value.isNull, !value.isString else { return nil }
        return "an object whose \(name) is \(describe(value)), not a string"
    }

    private static func describe(_ value: ManifestNode) -> String {
        switch value {
        case .scalar(let text, _):
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return (value.bool != nil ? "the boolean " : "the number ") + shown
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}
