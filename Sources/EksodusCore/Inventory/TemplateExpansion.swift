import Foundation

/// OpenShift `Template` objects (template.openshift.io/v1, or `v1` in OpenShift 3 exports) hold the objects `oc process`
/// creates from them. The importer expands them with the parameters' defaults, as `oc process` would without `-p`:
/// `${NAME}` inside a string becomes the parameter's value, and a scalar that is exactly `${{NAME}}` becomes the value
/// as a plain scalar when it is a number or boolean (a string otherwise). Substitution is one pass over string values
/// only: a value that itself holds `${…}` stays as written, and no value is ever evaluated or parsed as YAML. A parameter
/// with `generate:` and no value gets a placeholder and a note (eksodus never runs the generator's expression); a required
/// one without a value is left as `${NAME}`, with a note; an optional one without a value is empty, as in `oc process`.
/// Each expanded object is marked with `annotation` (the template's namespace/name) and takes the template's
/// namespace and `labels:` where it names none.
/// A parameter that holds a credential (`secretParameters`) is substituted as the redaction marker, never its value.
enum TemplateExpansion {
    static let annotation = "eksodus.io/from-template"
    /// What substitution may add in one import: a long value referenced many times would otherwise turn a small file
    /// into gigabytes (as YAML aliases would, see `AliasBudget`). The bound is the import's, not each template's: a
    /// per-template one let many templates of a few kilobytes each add up to gigabytes.
    static let maxAddedBytes = 32 << 20

    /// What is left of `maxAddedBytes`, shared by the workers that read an import's files.
    final class Budget: @unchecked Sendable {
        private let lock = NSLock()
        private var left = TemplateExpansion.maxAddedBytes

        /// Expands `template` against what is left, one template at a time (templates are few; the bound stays exact).
        func expand(_ template: ManifestNode, defaultNamespace: String) -> Expansion {
            lock.lock()
            defer { lock.unlock() }
            return TemplateExpansion.expand(template, defaultNamespace: defaultNamespace, budget: &left)
        }
    }

    struct Expansion {
        var objects: [ManifestNode] = []
        var notes: [String] = []
    }

    static func isTemplate(_ node: ManifestNode) -> Bool {
        guard node["kind"]?.string == "Template", let apiVersion = node["apiVersion"]?.string else { return false }
        return apiVersion == "v1" || KubernetesKinds.group(ofAPIVersion: apiVersion) == "template.openshift.io"
    }

    static func placeholder(for parameter: String) -> String {
        "generated-" + parameter.lowercased().replacingOccurrences(of: "_", with: "-")
    }

    /// Expands `template`, taking what substitution adds from `budget`; a template that would overdraw it keeps the
    /// objects expanded before, and says so.
    static func expand(_ template: ManifestNode, defaultNamespace: String, budget: inout Int) -> Expansion {
        var expansion = Expansion()
        let name = template["metadata", "name"]?.string ?? ""
        let namespace = template["metadata", "namespace"]?.string ?? defaultNamespace
        var values: [String: String] = [:]
        let secrets = secretParameters(template)
        for parameter in template["parameters"]?.items ?? [] {
            guard let key = parameter["name"]?.string, !key.isEmpty else { continue }
            if let value = parameter["value"]?.string, !(parameter["value"]?.isNull ?? true) {
                // A credential's value would reach the inventory through whatever field references it (an annotation, a
                // ConfigMap, an env var with a plain name): it is substituted as the marker, as the Template's own copy is.
                values[key] = secrets.contains(key) && !SecretRedaction.isBoolean(value) ? SecretRedaction.marker : value
            } else if parameter["generate"]?.string != nil {
                values[key] = placeholder(for: key)
                expansion.notes.append("Template \(name.visibleLine) parameter \(key.visibleLine) is generated (generate: expression) and has no value: eksodus does not evaluate expressions, it used \(placeholder(for: key)); set the real value on EKS")
            } else if parameter["required"]?.bool == true {
                // `oc process` refuses a required parameter without a value: its references stay as written, for all to see.
                expansion.notes.append("Template \(name.visibleLine) parameter \(key.visibleLine) is required and has no default: its references are left as ${\(key.visibleLine)}")
            } else {
                values[key] = ""
            }
        }
        let labels = template["labels"]?.entries ?? []
        for object in template["objects"]?.items ?? [] where object.isMapping {
            var metadata = object["metadata"] ?? .mapping([])
            if metadata["namespace"] == nil { metadata = metadata.replacing("namespace", with: .scalar(namespace, plain: false)) }
            var objectLabels = metadata["labels"]?.entries ?? []
            for label in labels where !objectLabels.contains(where: { $0.key == label.key }) { objectLabels.append(label) }
            if !objectLabels.isEmpty { metadata = metadata.replacing("labels", with: .mapping(objectLabels)) }
            let marks = (metadata["annotations"]?.entries ?? []).filter { $0.key != annotation }
                + [(annotation, ManifestNode.scalar("\(namespace)/\(name)", plain: false))]
            metadata = metadata.replacing("annotations", with: .mapping(marks))
            var left = budget
            let expanded = substituted(object, values, budget: &left).replacing("metadata", with: substituted(metadata, values, budget: &left))
            guard left >= 0 else {
                expansion.notes.append("Template \(name.visibleLine): with its parameters expanded, the import's templates would add more than \(maxAddedBytes >> 20) MiB; its objects from number \(expansion.objects.count + 1) on are not imported")
                break
            }
            budget = left
            expansion.objects.append(expanded)
        }
        return expansion
    }

    /// The parameters whose values are credentials, wherever they are substituted: one named as a credential (`DB_PASSWORD`),
    /// one OpenShift generates (`generate: expression`: a random password or key, whatever its name), and one that the data
    /// of a Secret among the Template's `objects` references (`stringData: {login: ${ADMIN_LOGIN}}`), as `oc process` would
    /// put it there. A Secret's name and labels are no secret: `name: ${APP_NAME}-creds` leaves APP_NAME as it is.
    static func secretParameters(_ template: ManifestNode) -> Set<String> {
        var names = Set<String>()
        for parameter in template["parameters"]?.items ?? [] {
            guard let key = parameter["name"]?.string, !key.isEmpty else { continue }
            if SecretRedaction.isSensitiveKey(key) || parameter["generate"].map({ !$0.isNull }) == true { names.insert(key) }
        }
        for object in template["objects"]?.items ?? [] where object["kind"]?.string?.lowercased() == "secret" {
            for field in ["data", "stringData"] { if let data = object[field] { collectReferences(data, into: &names) } }
        }
        return names
    }

    /// Every `NAME` of `${NAME}` and `${{NAME}}` in the strings of `node`.
    private static func collectReferences(_ node: ManifestNode, into names: inout Set<String>) {
        switch node {
        case .scalar(let text, _):
            var rest = Substring(text)
            while let start = rest.range(of: "${") {
                var name = rest[start.upperBound...]
                if name.hasPrefix("{") { name = name.dropFirst() }
                guard let close = name.firstIndex(of: "}") else { break }
                names.insert(String(name[..<close]))
                rest = name[close...]
            }
        case .sequence(let items):
            for item in items { collectReferences(item, into: &names) }
        case .mapping(let entries):
            for entry in entries { collectReferences(entry.value, into: &names) }
        }
    }

    private static func substituted(_ node: ManifestNode, _ values: [String: String], budget: inout Int) -> ManifestNode {
        guard budget >= 0 else { return node }
        switch node {
        case .scalar(let text, _):
            guard text.contains("${") else { return node }
            if text.hasPrefix("${{"), text.hasSuffix("}}"), let value = values[String(text.dropFirst(3).dropLast(2))] {
                budget -= value.utf8.count
                return .scalar(value, plain: isPlainLiteral(value))
            }
            let replaced = replacingReferences(in: text, values)
            budget -= max(0, replaced.utf8.count - text.utf8.count)
            return .scalar(replaced, plain: false)
        case .sequence(let items):
            return .sequence(items.map { substituted($0, values, budget: &budget) })
        case .mapping(let entries):
            return .mapping(entries.map { ($0.key, substituted($0.value, values, budget: &budget)) })
        }
    }

    /// `${NAME}` → the value, left to right, never looking into what was put in.
    static func replacingReferences(in text: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            let afterOpen = rest[start.upperBound...]
            if afterOpen.hasPrefix("{"), let close = afterOpen.range(of: "}}"), let value = values[String(afterOpen[afterOpen.index(after: afterOpen.startIndex)..<close.lowerBound])] {
                out += value  // `${{NAME}}` inside a longer string is text like `${NAME}`
                rest = afterOpen[close.upperBound...]
            } else if let close = afterOpen.firstIndex(of: "}"), let value = values[String(afterOpen[..<close])] {
                out += value
                rest = afterOpen[afterOpen.index(after: close)...]
            } else {
                out += "${"
                rest = afterOpen
            }
        }
        return out + rest
    }

    /// Numbers and booleans keep their type through `${{NAME}}`; anything else is a string.
    private static func isPlainLiteral(_ value: String) -> Bool {
        if ["true", "false"].contains(value) { return true }
        guard let first = value.first, first == "-" || first.isNumber else { return false }
        return Int(value) != nil || (Double(value) != nil && !value.lowercased().contains("n") && !value.lowercased().contains("i"))
    }
}
