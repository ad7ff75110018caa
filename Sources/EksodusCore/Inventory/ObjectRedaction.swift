/// The one pass that every value the inventory keeps goes through: it returns the object with its credentials
/// replaced by the marker, and everything stored of the object (body, labels and annotations, pod facts, env kept
/// for dependency detection) is read from what it returns.
///
/// - Secrets (also inside other objects) lose `data`/`stringData` and keep only the keys of their annotations; ConfigMap
///   `binaryData` and Helm 2 release ConfigMaps (label `OWNER=TILLER`) lose all their values; the annotations that embed
///   the applied object (`appliedObjectAnnotations`) are dropped wherever they appear. A Secret template (a SealedSecret's
///   `spec.template`, an ExternalSecret's `spec.target.template`) and a SealedSecret's `encryptedData` keep only their keys; an
///   OpenShift Template's parameters lose the values `TemplateExpansion.secretParameters` names.
/// - Annotations and ConfigMap data: a value under a sensitive key is masked whole; a `.pgpass` file loses its password
///   fields; any other value is scanned as text.
/// - Environment-style `{name, value}` entries and `{key, value}` ones (Node taints): masked whole when the name is sensitive.
/// - Lists of arguments: the item after a sensitive flag (`--password`, `--requirepass`) is masked, `-pX` next to a MySQL
///   client, `-pX` and `-p X` given to a program whose `-p` is a password (`PasswordFlagPrograms`: a container's `args`
///   are given to its `command`), the item after `-a` next to `redis-cli`, and the password of `user:password` after curl's `-u`/`--user`.
/// - Other fields: a string under a sensitive field (`password: …` in a custom resource) is masked; every scalar
///   is scanned as text (URL passwords, PEM private keys, `PGPASSWORD=…`, `--token …`).
/// Labels and selectors are matched against each other: a value is masked whole only under a sensitive key (on both sides
/// alike), otherwise only its text is scanned.
enum ObjectRedaction {
    static let lastAppliedConfiguration = AppliedAPIVersion.annotation

    /// Annotations in which a deploy tool keeps the whole object it applied, a Secret's data included: kubectl's
    /// last-applied-configuration, kapp's `original` (JSON) and `original-diff`, Rancher/k3s/Fleet wrangler's
    /// `objectset.rio.cattle.io/applied` (gzip and base64, so no text rule could see inside), Banzai Cloud's `last-applied`.
    static let appliedObjectAnnotations: Set<String> = [lastAppliedConfiguration, "kapp.k14s.io/original", "kapp.k14s.io/original-diff",
                                                        "objectset.rio.cattle.io/applied", "banzaicloud.com/last-applied"]

    private enum Context { case fields, freeForm, labels }

    static func redact(_ object: ManifestNode) -> ManifestNode {
        var node = object
        switch object["kind"]?.string {
        case "ConfigMap":
            let labels = object["metadata", "labels"]?.entries ?? []
            let isHelmRelease = HelmReleaseDecoder.isTillerRelease(labels)
            if isHelmRelease, let data = node["data"] { node = node.replacing("data", with: maskedValues(data)) }
            if let binary = node["binaryData"] { node = node.replacing("binaryData", with: maskedValues(binary)) }
        case "Template" where TemplateExpansion.isTemplate(object):
            // The Template keeps its parameters' names and generators; a value that holds a credential, as its expansion does not.
            let secrets = TemplateExpansion.secretParameters(object)
            if !secrets.isEmpty, let parameters = object["parameters"]?.items {
                node = node.replacing("parameters", with: .sequence(parameters.map { parameter in
                    guard let name = parameter["name"]?.string, secrets.contains(name), let value = parameter["value"], holdsValue(value) else { return parameter }
                    return parameter.replacing("value", with: masked)
                }))
            }
        default:
            break
        }
        return redacted(node, .fields) ?? node
    }

    /// Every scalar value of a mapping replaced by the marker; the keys stay.
    private static func maskedValues(_ node: ManifestNode) -> ManifestNode {
        .mapping(node.entries.map { ($0.key, $0.value.isNull ? $0.value : masked) })
    }

    private static let masked = ManifestNode.scalar(SecretRedaction.marker, plain: false)

    /// A copy of `node` with credentials masked, or nil when nothing needed it.
    private static func redacted(_ node: ManifestNode, _ context: Context) -> ManifestNode? {
        switch node {
        case .scalar(let text, let plain):
            return SecretRedaction.maskedText(text).map { .scalar($0, plain: plain) }
        case .sequence(let items):
            return redacted(items)
        case .mapping(let entries):
            return redacted(entries, context)
        }
    }

    /// `program`: the program a container's `args` are given to (its `command`'s); else the list's own first word.
    private static func redacted(_ items: [ManifestNode], program given: String? = nil) -> ManifestNode? {
        var changed: [ManifestNode]?
        var afterSensitiveFlag = false
        var afterUserFlag = false
        var afterRedisPasswordFlag = false
        var afterPasswordP = false
        // The command's program, unless it takes no `-p` password and the list runs one itself (`command: [/entrypoint.sh]`,
        // `args: [sshpass, -p, SECRET, …]`).
        let commandProgram = given.map { Array($0.utf8) }
        let givenTakesPassword = commandProgram.map(PasswordFlagPrograms.takesAttachedPassword) ?? false
        let program = givenTakesPassword ? commandProgram ?? [] : Array((PasswordFlagPrograms.program(of: items.prefix(8).compactMap(\.string)) ?? "").utf8)
        var takesAttachedPassword = PasswordFlagPrograms.takesAttachedPassword(program)
        var takesSeparatePassword = PasswordFlagPrograms.takesSeparatePassword(program)
        // Where the program is the list's own first word (not given by a command), the items before it are no operands.
        var seenProgram = givenTakesPassword
        var namesMySQLClient: Bool?
        var namesRedisClient: Bool?
        func mentionsRedisClient() -> Bool {
            if let known = namesRedisClient { return known }
            let found = items.contains { $0.string.map(SecretRedaction.namesRedisClient) ?? false }
            namesRedisClient = found
            return found
        }
        func mentionsMySQLClient() -> Bool {
            if let known = namesMySQLClient { return known }
            let found = items.contains { $0.string.map(SecretRedaction.namesMySQLClient) ?? false }
            namesMySQLClient = found
            return found
        }
        for (index, item) in items.enumerated() {
            var replacement: ManifestNode?
            if case .scalar(let text, _) = item {
                var attachedPassword = false
                if afterSensitiveFlag || afterRedisPasswordFlag || afterPasswordP, !text.hasPrefix("--"), !isVariableReference(text) {
                    // [redis-cli, -a, SECRET] and [sshpass, -p, SECRET] as [app, --password, SECRET]
                    replacement = masked
                } else if afterUserFlag, let withoutPassword = userWithoutPassword(text) {
                    // [curl, -u, user:password, …]
                    replacement = .scalar(withoutPassword, plain: false)
                } else if text.hasPrefix("-p"), text.utf8.count > 2, takesAttachedPassword || mentionsMySQLClient() {
                    // [mysql, -uroot, -pSECRET], [sshpass, -pSECRET, …]
                    replacement = .scalar("-p" + SecretRedaction.marker, plain: false)
                    attachedPassword = true
                } else {
                    replacement = redacted(item, .fields)
                }
                // `-pCmdLinePw123` reads as a flag named like a password: once masked, the next item (`-h`) is not its value.
                afterSensitiveFlag = isSensitiveFlag(text) && !attachedPassword
                afterUserFlag = text == "-u" || text == "--user" || text == "--proxy-user"
                afterRedisPasswordFlag = text == "-a" && mentionsRedisClient()
                // [sshpass, -p, SECRET, ssh, -p, 2222]: sshpass's options end at the command it runs.
                if !seenProgram {
                    seenProgram = text.utf8.split(separator: UInt8(ascii: "/")).last.map { $0.elementsEqual(program) } ?? false
                } else if !text.hasPrefix("-"), !afterPasswordP, PasswordFlagPrograms.stopsAtFirstOperand(program) {
                    takesSeparatePassword = false
                    takesAttachedPassword = false
                }
                // [mysql, -p, shop] prompts for the password: shop is the database.
                afterPasswordP = text == "-p" && takesSeparatePassword
            } else {
                replacement = redacted(item, .fields)
                afterSensitiveFlag = false
                afterUserFlag = false
                afterRedisPasswordFlag = false
                afterPasswordP = false
            }
            if let replacement {
                if changed == nil { changed = items }
                changed![index] = replacement
            }
        }
        return changed.map { .sequence($0) }
    }

    /// `$(REDIS_PASSWORD)`: Kubernetes expands it from the container's env, so the item names the secret and holds none.
    private static func isVariableReference(_ text: String) -> Bool {
        guard text.hasPrefix("$("), text.hasSuffix(")"), text.utf8.count > 3 else { return false }
        return text.utf8.dropFirst(2).dropLast().allSatisfy { $0 == UInt8(ascii: "_") || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
            || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) }
    }

    /// Lower-case letters and dashes (`enabled`, `oauth-proxy`): a setting, never a generated credential.
    private static func isPlainWord(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 == UInt8(ascii: "-") }
    }

    /// `user:password` after curl's `-u`/`--user` with the password masked; not `1000:1000` (a uid and gid) nor a URL.
    private static func userWithoutPassword(_ text: String) -> String? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let password = text[text.index(after: colon)...]
        guard !password.isEmpty, !password.hasPrefix("/"), !password.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return String(text[...colon]) + SecretRedaction.marker
    }

    /// `--password`, `-token`, `--admin-password`: a flag whose value is the next argument.
    private static func isSensitiveFlag(_ text: String) -> Bool {
        guard text.utf8.first == UInt8(ascii: "-"), text.utf8.count < 64,
              !text.utf8.contains(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: " ") }) else { return false }
        return SecretRedaction.isSensitiveName(text)
    }

    /// Whether a scalar could be a credential: not null, not a boolean, not already the marker.
    private static func holdsValue(_ value: ManifestNode) -> Bool {
        guard case .scalar(let text, _) = value, !value.isNull else { return false }
        return text != SecretRedaction.marker && !SecretRedaction.isBoolean(text)
    }

    private static let labelMaps: Set<String> = ["labels", "matchLabels", "selector", "nodeSelector"]

    private static func redacted(_ entries: [(key: String, value: ManifestNode)], _ context: Context) -> ManifestNode? {
        var changed: [(key: String, value: ManifestNode)]?
        var removed = false
        // A Secret, at the top or inside another object (an OpenShift Template, a List in a field), keeps no values.
        // Kinds compare without case (a hand-edited `kind: secret` still holds secrets), and a Secret keeps only what names it.
        let isSecret = context == .fields && entries.contains { $0.key == "kind" && $0.value.string?.lowercased() == "secret" }
        for (index, entry) in entries.enumerated() {
            if Self.appliedObjectAnnotations.contains(entry.key) || (isSecret && !Self.secretFieldsKept.contains(entry.key)) {
                removed = true
                continue
            }
            var replacement: ManifestNode?
            if isSecret, entry.key == "metadata", let annotations = entry.value["annotations"], annotations.isMapping {
                // Any annotation of a Secret may be a copy of its data under a name no rule knows: only the keys stay, but for
                // eksodus's own (`eksodus.io/from-template` links an expanded object to its Template; `eksodus.io/ignore` names
                // checks), which the text rules below still scan.
                let metadata = entry.value.replacing("annotations", with: .mapping(annotations.entries.compactMap { annotation in
                    if Self.appliedObjectAnnotations.contains(annotation.key) { return nil }
                    if annotation.key.hasPrefix("eksodus.io/") || annotation.value.isNull { return annotation }
                    return (annotation.key, masked)
                }))
                replacement = redacted(metadata, .fields) ?? metadata
            } else {
                switch entry.value {
                case .mapping where context != .labels && SecretRedaction.isSensitiveKey(entry.key) && !isReference(entry.key),
                     .sequence where context != .labels && SecretRedaction.isSensitiveKey(entry.key) && !isReference(entry.key):
                    // Everything under a sensitive key (`passwords: [..]`, `secretData: {..}`) is a credential.
                    replacement = maskedTree(entry.value)
                case .scalar:
                    switch context {
                    case .labels:
                        // A label named like a credential (`example.com/api-token: 3f9a…`) loses its value, and a selector naming
                        // it loses the same value the same way, so the two still match. A plain word (`auth: enabled`) stays.
                        if SecretRedaction.isSensitiveKey(entry.key), holdsValue(entry.value), let text = entry.value.string, !isPlainWord(text) {
                            replacement = masked
                        } else {
                            replacement = redacted(entry.value, .labels)
                        }
                    case .freeForm:
                        if SecretRedaction.isSensitiveKey(entry.key), holdsValue(entry.value) {
                            replacement = masked
                        } else if SecretRedaction.namesPasswordFile(entry.key), let text = entry.value.string,
                                  let withoutPasswords = SecretRedaction.maskedPasswordFile(text) {
                            // A `.pgpass` file: the password is its last field, after no name.
                            replacement = redacted(.scalar(withoutPasswords, plain: false), .freeForm) ?? .scalar(withoutPasswords, plain: false)
                        } else {
                            replacement = redacted(entry.value, .freeForm)
                        }
                    case .fields:
                        if entry.key == "value", let name = entries.first(where: { $0.key == "name" || $0.key == "key" })?.value.string,
                           SecretRedaction.isSensitiveKey(name), holdsValue(entry.value) {
                            // `{name, value}` (env) and `{key, value}` (a Node taint, a toleration, which then still match)
                            replacement = masked
                        } else if SecretRedaction.isSensitiveField(entry.key), holdsValue(entry.value) {
                            replacement = masked
                        } else if entry.key == "image", let text = entry.value.string, let withoutPassword = imageWithoutPassword(text) {
                            replacement = .scalar(withoutPassword, plain: false)
                        } else {
                            replacement = redacted(entry.value, .fields)
                        }
                    }
                case .mapping where context == .fields && (entry.key == "encryptedData" || (entry.key == "template" && isSecretTemplate(entry.value))):
                    // A SealedSecret's `encryptedData` is ciphertext, yet no report needs it: its keys stay. A Secret template
                    // (SealedSecret `spec.template`, ExternalSecret `spec.target.template`) becomes the Secret: its
                    // `data`/`stringData` may be plain text (sealed-secrets copies template data into the Secret as written),
                    // so they keep only their keys, as a Secret does.
                    let template = entry.key == "encryptedData" ? maskedValues(entry.value)
                        : ["data", "stringData"].reduce(entry.value) { node, field in node[field]?.isMapping == true ? node.replacing(field, with: maskedValues(node[field]!)) : node }
                    replacement = redacted(template, .fields) ?? template
                case .mapping:
                    let child: Context = entry.key == "annotations" || entry.key == "data" ? .freeForm
                        : labelMaps.contains(entry.key) ? .labels : .fields
                    replacement = redacted(entry.value, child)
                case .sequence(let items) where entry.key == "args":
                    // A container's args are given to its command's program (`command: [sshpass]`, `args: [-p, SECRET, …]`).
                    let command = entries.first { $0.key == "command" }?.value.items.compactMap(\.string) ?? []
                    replacement = redacted(items, program: PasswordFlagPrograms.program(of: command))
                case .sequence:
                    replacement = redacted(entry.value, .fields)
                }
            }
            if let replacement {
                if changed == nil { changed = entries }
                changed![index].value = replacement
            }
        }
        guard removed else { return changed.map { .mapping($0) } }
        return .mapping((changed ?? entries).filter {
            !Self.appliedObjectAnnotations.contains($0.key) && !(isSecret && !Self.secretFieldsKept.contains($0.key))
        })
    }

    /// A `template` that is a Secret's (it has `data` or `stringData`); a pod template has neither.
    private static func isSecretTemplate(_ node: ManifestNode) -> Bool {
        node["data"]?.isMapping == true || node["stringData"]?.isMapping == true
    }

    /// Keys that name Secrets rather than hold them: `secret` volumes, `secretKeyRef`, `imagePullSecrets`, `secrets` of a ServiceAccount,
    /// `existingSecret`, `tlsSecretName`.
    private static func isReference(_ key: String) -> Bool {
        let lower = key.lowercased()
        // `secret:` is the volume source naming a Secret (`secret: {secretName: …}`), also inside `projected` sources.
        return lower == "secret" || lower.hasSuffix("ref") || lower.hasSuffix("refs") || lower.hasSuffix("secrets") || lower.hasSuffix("name")
            || lower.hasSuffix("names") || lower.hasPrefix("existing")
    }

    /// `user:password@registry/repo:tag` (no scheme, so the URL rule misses it; no valid reference either) with the password masked.
    private static func imageWithoutPassword(_ text: String) -> String? {
        // `name:tag@sha256:…` is a pinned image: a digest has no `/`, a registry host and path after credentials do.
        guard let at = text.firstIndex(of: "@"), let colon = text[..<at].firstIndex(of: ":"), !text[..<at].contains("/"),
              text[text.index(after: at)...].contains("/") else { return nil }
        return String(text[...colon]) + SecretRedaction.marker + String(text[at...])
    }

    /// What a Secret keeps: its identity and type; its key names are kept apart, never its values.
    static let secretFieldsKept: Set<String> = ["apiVersion", "kind", "metadata", "type", "immutable"]

    /// Every scalar of a tree replaced by the marker (nulls and booleans stay: they hold no secret).
    private static func maskedTree(_ node: ManifestNode) -> ManifestNode {
        switch node {
        case .scalar: return holdsValue(node) ? masked : node
        case .sequence(let items): return .sequence(items.map(maskedTree))
        case .mapping(let entries): return .mapping(entries.map { ($0.key, maskedTree($0.value)) })
        }
    }
}
