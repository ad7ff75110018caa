/// Reads the Kubernetes objects of one YAML or JSON stream, one at a time.
///
/// Multi-document YAML, JSON, `kind: List` and typed lists (`DeploymentList`) are expanded into their items
/// while the file is read: a list's items are handed over one by one and never held together, so a
/// `kubectl get -A -o yaml` export of hundreds of megabytes is read in the memory of its largest item.
/// What the inventory never keeps (`status`, `metadata.managedFields`, the last-applied-configuration
/// annotation, which can carry a Secret in plain text) is skipped by the parser without being built; of a Node's
/// status only `nodeInfo`, `capacity` and `allocatable` are built, and of the annotation only its `apiVersion`
/// (`AppliedAPIVersion`): the annotation's value becomes the mapping `{apiVersion: …}`, which no input can write
/// (a mapping there is skipped like any other value).
///
/// Hostile input is refused with its place, never followed: nesting deeper than `maxDepth`, and aliases that
/// expand a document far beyond its own size (see `AliasBudget`).
final class ManifestStreamReader {
    /// Far beyond any Kubernetes object (a CRD's schema nests a few dozen levels), far below what the stack holds.
    static let maxDepth = 512

    struct Object {
        var node: ManifestNode
        var line: Int
        var column: Int
    }

    struct Counts {
        var documents = 0
        var emptyDocuments = 0
        var nonObjectDocuments = SampledNotices()
        var duplicateKeys = SampledNotices()
    }

    private enum Context { case objectRoot, metadata, annotations, nodeStatus, other }

    private let reader: YAMLEventReader
    private var anchors: [String: (node: ManifestNode, weight: AliasBudget.Weight)] = [:]
    private var budget = AliasBudget()
    /// Collections open around the current event, and the deepest reached (through aliases too) in the current anchored node.
    private var depth = 0
    private var deepest = 0
    private(set) var counts = Counts()
    /// The kind and API version of objects that name no kind, when the file's place in a dump says (see `DumpLayouts`).
    var impliedType: (kind: String, apiVersion: String)?
    /// Off where the caller checks object names itself, per kind, and refuses what no API server holds (the importer).
    var checksNames = true

    init(reader: YAMLEventReader) {
        self.reader = reader
    }

    var file: String { reader.file }

    /// Reads the whole stream, calling `emit` for each object in order.
    func read(_ emit: (Object) throws -> Void) throws {
        guard try reader.next() == .streamStart else { throw error("expected the start of a YAML stream") }
        while true {
            switch try reader.next() {
            case .streamEnd: return
            case .documentStart:
                anchors.removeAll(keepingCapacity: true)
                budget = AliasBudget()
                depth = 0
                deepest = 0
                counts.documents += 1
                try readDocument(emit)
            default: throw error("expected a document")
            }
        }
    }

    private func readDocument(_ emit: (Object) throws -> Void) throws {
        let first = try reader.next()
        let line = reader.line, column = reader.column
        switch first {
        case .mappingStart:
            try open()
            try readTopMapping(line: line, column: column, emit)
        case .sequenceStart:
            // A bare JSON array of objects, as some dump tools write.
            try open()
            while true {
                let event = try reader.next()
                if event == .sequenceEnd { break }
                let itemLine = reader.line, itemColumn = reader.column
                let node = try build(event, .objectRoot)
                if node.isMapping {
                    try emitObject(Object(node: node, line: itemLine, column: itemColumn), emit)
                } else {
                    counts.nonObjectDocuments.add(line: itemLine, "an array element that is not a mapping")
                }
            }
            depth -= 1
        case .scalar, .alias:
            let node = try build(first, .other)
            if node.isNull {
                counts.emptyDocuments += 1
            } else {
                counts.nonObjectDocuments.add(line: line, "a document that is a scalar, not a mapping")
            }
        default:
            throw error("expected a value")
        }
        guard try reader.next() == .documentEnd else { throw error("expected the end of the document") }
    }

    /// Emits an object whose identifying fields are well-typed; notes the others as skipped.
    private func emitObject(_ object: Object, _ emit: (Object) throws -> Void) throws {
        var object = object
        if let impliedType, object.node.isMapping, object.node["kind"] == nil {
            object.node = object.node.replacing("kind", with: .scalar(impliedType.kind, plain: false))
            if object.node["apiVersion"] == nil { object.node = object.node.replacing("apiVersion", with: .scalar(impliedType.apiVersion, plain: false)) }
        }
        if let problem = ObjectHeaderCheck.problem(object.node, names: checksNames) {
            counts.nonObjectDocuments.add(line: object.line, problem)
        } else {
            try emit(object)
        }
    }

    /// The top-level mapping: one object, or a list whose `items` are streamed. kubectl writes keys in
    /// alphabetical order, so a list's `kind` usually comes after its items: items that carry their own
    /// kind go out at once, only kind-less items of a typed list wait for the list's kind.
    private func readTopMapping(line: Int, column: Int, _ emit: (Object) throws -> Void) throws {
        var entries = MappingEntries()
        var streamedItems = false
        var waiting: [Object] = []
        while true {
            let keyEvent = try reader.next()
            if keyEvent == .mappingEnd { break }
            let keyLine = reader.line
            let key = try readKey(keyEvent)
            let valueEvent = try reader.next()
            let kindSoFar = entries["kind"]?.string
            if key == "items", valueEvent == .sequenceStart, !streamedItems, kindSoFar.map({ $0.hasSuffix("List") }) ?? true {
                streamedItems = true
                let apiVersionSoFar = entries["apiVersion"]?.string
                try open()
                defer { depth -= 1 }
                while true {
                    let itemEvent = try reader.next()
                    if itemEvent == .sequenceEnd { break }
                    let itemLine = reader.line, itemColumn = reader.column
                    let item = try build(itemEvent, .objectRoot)
                    guard item.isMapping else {
                        counts.nonObjectDocuments.add(line: itemLine, "a list item that is not a mapping")
                        continue
                    }
                    let object = Object(node: item, line: itemLine, column: itemColumn)
                    if item["kind"]?.string != nil, item["apiVersion"]?.string != nil {
                        try emitObject(object, emit)
                    } else if let kindSoFar, kindSoFar != "List" {
                        try emitObject(Object(node: Self.inherit(item, listKind: kindSoFar, listAPIVersion: apiVersionSoFar), line: itemLine, column: itemColumn), emit)
                    } else {
                        waiting.append(object)
                    }
                }
                continue
            }
            if key == "status", !keepsStatus(entries) {
                try reader.skipNode(valueEvent)
                continue
            }
            if !entries.set(key, try build(valueEvent, child(of: .objectRoot, key: key))) { noteDuplicate(key, line: keyLine) }
        }
        depth -= 1
        let top = ManifestNode.mapping(entries.entries)
        guard streamedItems else {
            try emitObject(Object(node: top, line: line, column: column), emit)
            return
        }
        let listKind = top["kind"]?.string
        if let listKind, !listKind.hasSuffix("List") {
            throw ManifestSyntaxError(file: file, line: line, column: column,
                                      message: "top-level `items` in an object of kind \(listKind), which is not a list")
        }
        for object in waiting {
            try emitObject(Object(node: Self.inherit(object.node, listKind: listKind, listAPIVersion: top["apiVersion"]?.string),
                                  line: object.line, column: object.column), emit)
        }
    }

    /// Items of a typed list (`DeploymentList`) may omit kind and apiVersion: they take them from the list.
    static func inherit(_ item: ManifestNode, listKind: String?, listAPIVersion: String?) -> ManifestNode {
        guard let listKind, listKind != "List", listKind.hasSuffix("List") else { return item }
        var result = item
        if result["kind"]?.string == nil {
            result = result.replacing("kind", with: .scalar(String(listKind.dropLast(4)), plain: false))
        }
        if result["apiVersion"]?.string == nil, let listAPIVersion {
            result = result.replacing("apiVersion", with: .scalar(listAPIVersion, plain: false))
        }
        return result
    }

    private func child(of context: Context, key: String) -> Context {
        switch (context, key) {
        case (.objectRoot, "metadata"): return .metadata
        case (.metadata, "annotations"): return .annotations
        case (.objectRoot, "status"): return .nodeStatus
        default: return .other
        }
    }

    private func skips(_ context: Context, _ key: String) -> Bool {
        switch context {
        case .objectRoot: return key == "status"
        case .metadata: return key == "managedFields"
        case .annotations: return key == AppliedAPIVersion.annotation
        case .nodeStatus: return !["nodeInfo", "capacity", "allocatable", "loadBalancer"].contains(key)
        case .other: return false
        }
    }

    /// A Node's status carries the cluster's facts (instance capacity, kubelet and runtime versions); kubectl writes
    /// `kind` before `status`, so the kind is known by then.
    /// A Node's status (its facts), an Ingress's (the source load balancer serving it: `SharedHostGroups`) and a Service's
    /// (its load balancer's address or hostname: which platform serves it today, `LoadBalancerExposure`).
    private func keepsStatus(_ entries: MappingEntries) -> Bool {
        let kind = entries["kind"]?.string
        return kind == "Node" || kind == "Ingress" || kind == "Service"
    }

    /// The last-applied annotation reduced to its `apiVersion`, or nil when it names none (the annotation is then skipped).
    private func appliedAPIVersion(_ context: Context, key: String, value: YAMLEventReader.Event) -> ManifestNode? {
        guard context == .annotations, key == AppliedAPIVersion.annotation, value == .scalar,
              let version = AppliedAPIVersion.read(reader.scalarText) else { return nil }
        return .mapping([("apiVersion", .scalar(version, plain: false))])
    }

    private func noteDuplicate(_ key: String, line: Int) {
        let shown = key.count > 60 ? String(key.prefix(60)) + "…" : key
        counts.duplicateKeys.add(line: line, "duplicate key \"\(shown)\"; the last value is kept")
    }

    /// Enters a collection, refusing one nested deeper than `maxDepth`.
    private func open() throws {
        depth += 1
        deepest = max(deepest, depth)
        budget.countLiteral(bytes: 0)
        if depth > Self.maxDepth { throw error("nesting deeper than \(Self.maxDepth) levels") }
    }

    /// No Kubernetes object has a mapping or list as a key; one that long is an attack on the reader, not a manifest.
    static let maxComplexKeyBytes = 4096

    private func readKey(_ event: YAMLEventReader.Event) throws -> String {
        switch event {
        case .scalar:
            let text = reader.scalarText
            budget.countLiteral(bytes: text.utf8.count)
            return text
        default:
            // Complex and aliased keys are rare in manifests; they are kept as their JSON text. Bounded: a key that is a
            // mapping whose key is a mapping… is escaped again at every level, so its text doubles with each (the fuzzer's
            // 2 KB of `{a: {a: …` asked for gigabytes).
            let node = try build(event, .other)
            if let text = node.string { return text }
            let text = JSONWriter.string(node)
            if text.utf8.count > Self.maxComplexKeyBytes {
                throw error("a mapping key longer than \(Self.maxComplexKeyBytes) bytes (a mapping or list used as a key)")
            }
            budget.countLiteral(bytes: text.utf8.count)
            return text
        }
    }

    private func build(_ first: YAMLEventReader.Event, _ context: Context) throws -> ManifestNode {
        switch first {
        case .scalar:
            let text = reader.scalarText
            let node = ManifestNode.scalar(text, plain: reader.scalarIsPlain)
            budget.countLiteral(bytes: text.utf8.count)
            if let anchor = reader.anchor { anchors[anchor] = (node, .init(nodes: 1, bytes: text.utf8.count, height: 0)) }
            return node
        case .alias:
            guard let name = reader.anchor, let target = anchors[name] else {
                throw error("alias *\(reader.anchor ?? "") names no anchor defined before it")
            }
            if depth + target.weight.height > Self.maxDepth {
                throw error("nesting deeper than \(Self.maxDepth) levels (through alias *\(name))")
            }
            deepest = max(deepest, depth + target.weight.height)
            if let excess = budget.countAlias(target.weight) {
                throw error("too many aliases: \(excess)")
            }
            return target.node
        case .sequenceStart, .mappingStart:
            let anchor = reader.anchor
            let before = (budget: budget, depth: depth, deepest: deepest)
            deepest = depth
            try open()
            let node = first == .sequenceStart ? try buildSequence() : try buildMapping(context)
            depth -= 1
            if let anchor {
                let weight = AliasBudget.Weight(nodes: budget.nodes - before.budget.nodes, bytes: budget.bytes - before.budget.bytes,
                                                height: deepest - before.depth)
                anchors[anchor] = (node, weight)
            }
            deepest = max(deepest, before.deepest)
            return node
        default:
            throw error("unexpected \(first)")
        }
    }

    private func buildSequence() throws -> ManifestNode {
        var items: [ManifestNode] = []
        while true {
            let event = try reader.next()
            if event == .sequenceEnd { break }
            items.append(try build(event, .other))
        }
        return .sequence(items)
    }

    private func buildMapping(_ context: Context) throws -> ManifestNode {
        var entries = MappingEntries()
        var merged = MappingEntries()
        while true {
            let keyEvent = try reader.next()
            if keyEvent == .mappingEnd { break }
            let keyIsPlain = keyEvent == .scalar && reader.scalarIsPlain
            let keyLine = reader.line
            let key = try readKey(keyEvent)
            let valueEvent = try reader.next()
            if let applied = appliedAPIVersion(context, key: key, value: valueEvent) {
                entries.set(key, applied)
                continue
            }
            if skips(context, key), !(context == .objectRoot && key == "status" && keepsStatus(entries)) {
                try reader.skipNode(valueEvent)
                continue
            }
            let value = try build(valueEvent, child(of: context, key: key))
            if key == "<<", keyIsPlain {
                // YAML merge key: the merged mappings' entries, unless the mapping sets them itself.
                for source in value.isMapping ? [value] : value.items {
                    for entry in source.entries { merged.setIfAbsent(entry.key, entry.value) }
                }
            } else if !entries.set(key, value) {
                noteDuplicate(key, line: keyLine)
            }
        }
        for entry in merged.entries { entries.setIfAbsent(entry.key, entry.value) }
        return .mapping(entries.entries)
    }

    private func error(_ message: String) -> ManifestSyntaxError {
        ManifestSyntaxError(file: reader.file, line: reader.line, column: reader.column, message: message)
    }
}
