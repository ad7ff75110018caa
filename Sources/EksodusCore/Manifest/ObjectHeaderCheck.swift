/// The fields that identify an object must be strings when present: the API server refuses `kind: 5`,
/// `name: {a: 1}` or `namespace: [x]`, and storing them as text would invent an object it would never hold.
enum ObjectHeaderCheck {
    /// Why `object` cannot be a Kubernetes object, or nil when its identifying fields are well-typed. `names: false` leaves
    /// the name rules to a caller that checks them itself (the importer refuses such an object, per kind).
    static func problem(_ object: ManifestNode, names: Bool = true) -> String? {
        for key in ["apiVersion", "kind"] {
            if let problem = notString(object[key], named: key) { return problem }
        }
        guard let metadata = object["metadata"], !metadata.isNull else { return nil }
        guard metadata.isMapping else { return "an object whose metadata is \(describe(metadata)), not a mapping" }
        for key in ["name", "namespace"] {
            if let problem = notString(metadata[key], named: "metadata.\(key)") { return problem }
        }
        guard names else { return nil }
        // The API server accepts no namespace that is not a DNS label, and no object name that starts with `-`; such a name
        // would read as an option where eksodus writes it into a command.
        if let namespace = metadata["namespace"]?.string, !namespace.isEmpty, !DNSLabel.isValid(namespace) {
            return "an object whose metadata.namespace '\(namespace.visibleLine)' is not a DNS label (lower-case letters, digits and '-', at most 63)"
        }
        if let name = metadata["name"]?.string, name.hasPrefix("-") {
            return "an object whose metadata.name '\(name.visibleLine)' starts with '-'"
        }
        // Nor a NUL: bash ends a word there, so `deployment/web<NUL>x` would act on `web`.
        if let name = metadata["name"]?.string, name.utf8.contains(0) {
            return "an object whose metadata.name '\(name.visibleLine)' holds a NUL character"
        }
        // Nor a '/' or '%', nor '.' or '..' (Kubernetes docs, Object Names and IDs: every name must be a path segment name):
        // `service/lb/x` + `y` and `service/lb` + `x/y` would be one item key, `deployment/../x` another object's path.
        if let name = metadata["name"]?.string, name.contains("/") || name.contains("%") || name == "." || name == ".." {
            return "an object whose metadata.name '\(name.visibleLine)' is no path segment name (it holds '/' or '%', or is '.' or '..')"
        }
        if object["kind"]?.string == "Namespace", let name = metadata["name"]?.string, !DNSLabel.isValid(name) {
            return "a Namespace whose name '\(name.visibleLine)' is not a DNS label (lower-case letters, digits and '-', at most 63)"
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
