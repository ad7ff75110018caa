/// Reads the Kubernetes objects of one YAML or JSON stream, one at a time.
///
/// Multi-document YAML, JSON, `kind: List` and typed lists (`DeploymentList`) are expanded into their items
/// while the file is read: a list's items are handed over one by one and never held together, so a
/// `kubectl get -A -o yaml` export of hundreds of megabytes is read in the memory of its largest item.
/// What the inventory never keeps (`status`, `metadata.managedFields`, the last-applied-configuration
/// annotation, which can carry a Secret in plain text) is skipped by the parser without being built.
final class ManifestStreamReader {
    struct Object {
        var node: ManifestNode
        var line: Int
        var column: Int
    }

    struct Counts {
        var documents = 0
        var emptyDocuments = 0
        var nonObjectDocuments: [(line: Int, what: String)] = []
    }

    private enum Context { case objectRoot, metadata, annotations, other }

    private let reader: YAMLEventReader
    private var anchors: [String: ManifestNode] = [:]
    private(set) var counts = Counts()

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
            try readTopMapping(line: line, column: column, emit)
        case .sequenceStart:
            // A bare JSON array of objects, as some dump tools write.
            while true {
                let event = try reader.next()
                if event == .sequenceEnd { break }
                let itemLine = reader.line, itemColumn = reader.column
                let node = try build(event, .objectRoot)
                if node.isMapping {
                    try emit(Object(node: node, line: itemLine, column: itemColumn))
                } else {
                    counts.nonObjectDocuments.append((itemLine, "an array element that is not a mapping"))
                }
            }
        case .scalar, .alias:
            let node = try build(first, .other)
            if node.isNull {
                counts.emptyDocuments += 1
            } else {
                counts.nonObjectDocuments.append((line, "a document that is a scalar, not a mapping"))
            }
        default:
            throw error("expected a value")
        }
        guard try reader.next() == .documentEnd else { throw error("expected the end of the document") }
    }

    /// The top-level mapping: one object, or a list whose `items` are streamed. kubectl writes keys in
    /// alphabetical order, so a list's `kind` usually comes after its items: items that carry their own
    /// kind go out at once, only kind-less items of a typed list wait for the list's kind.
    private func readTopMapping(line: Int, column: Int, _ emit: (Object) throws -> Void) throws {
        var entries: [(key: String, value: ManifestNode)] = []
        var streamedItems = false
        var waiting: [Object] = []
        while true {
            let keyEvent = try reader.next()
            if keyEvent == .mappingEnd { break }
            let key = try readKey(keyEvent)
            let valueEvent = try reader.next()
            let kindSoFar = entries.last(where: { $0.key == "kind" })?.value.string
            if key == "items", valueEvent == .sequenceStart, kindSoFar.map({ $0.hasSuffix("List") }) ?? true {
                streamedItems = true
                let apiVersionSoFar = entries.last(where: { $0.key == "apiVersion" })?.value.string
                while true {
                    let itemEvent = try reader.next()
                    if itemEvent == .sequenceEnd { break }
                    let itemLine = reader.line, itemColumn = reader.column
                    let item = try build(itemEvent, .objectRoot)
                    guard item.isMapping else {
                        counts.nonObjectDocuments.append((itemLine, "a list item that is not a mapping"))
                        continue
                    }
                    let object = Object(node: item, line: itemLine, column: itemColumn)
                    if item["kind"]?.string != nil, item["apiVersion"]?.string != nil {
                        try emit(object)
                    } else if let kindSoFar, kindSoFar != "List" {
                        try emit(Object(node: Self.inherit(item, listKind: kindSoFar, listAPIVersion: apiVersionSoFar), line: itemLine, column: itemColumn))
                    } else {
                        waiting.append(object)
                    }
                }
                continue
            }
            if key == "status" {
                try reader.skipNode(valueEvent)
                continue
            }
            entries.append((key, try build(valueEvent, child(of: .objectRoot, key: key))))
        }
        let top = ManifestNode.mapping(entries)
        guard streamedItems else {
            try emit(Object(node: top, line: line, column: column))
            return
        }
        let listKind = top["kind"]?.string
        if let listKind, !listKind.hasSuffix("List") {
            throw ManifestSyntaxError(file: file, line: line, column: column,
                                      message: "top-level `items` in an object of kind \(listKind), which is not a list")
        }
        for object in waiting {
            try emit(Object(node: Self.inherit(object.node, listKind: listKind, listAPIVersion: top["apiVersion"]?.string),
                            line: object.line, column: object.column))
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
        default: return .other
        }
    }

    private func skips(_ context: Context, _ key: String) -> Bool {
        switch context {
        case .objectRoot: return key == "status"
        case .metadata: return key == "managedFields"
        case .annotations: return key == "kubectl.kubernetes.io/last-applied-configuration"
        case .other: return false
        }
    }

    private func readKey(_ event: YAMLEventReader.Event) throws -> String {
        switch event {
        case .scalar: return reader.scalarText
        default:
            // Complex and aliased keys are rare in manifests; they are kept as their JSON text.
            let node = try build(event, .other)
            if let text = node.string { return text }
            return JSONWriter.string(node)
        }
    }

    private func build(_ first: YAMLEventReader.Event, _ context: Context) throws -> ManifestNode {
        switch first {
        case .scalar:
            let node = ManifestNode.scalar(reader.scalarText, plain: reader.scalarIsPlain)
            if let anchor = reader.anchor { anchors[anchor] = node }
            return node
        case .alias:
            guard let name = reader.anchor, let node = anchors[name] else {
                throw error("alias *\(reader.anchor ?? "") names no anchor defined before it")
            }
            return node
        case .sequenceStart:
            let anchor = reader.anchor
            var items: [ManifestNode] = []
            while true {
                let event = try reader.next()
                if event == .sequenceEnd { break }
                items.append(try build(event, .other))
            }
            let node = ManifestNode.sequence(items)
            if let anchor { anchors[anchor] = node }
            return node
        case .mappingStart:
            let anchor = reader.anchor
            var entries: [(key: String, value: ManifestNode)] = []
            var merged: [(key: String, value: ManifestNode)] = []
            while true {
                let keyEvent = try reader.next()
                if keyEvent == .mappingEnd { break }
                let keyIsPlain = keyEvent == .scalar && reader.scalarIsPlain
                let key = try readKey(keyEvent)
                let valueEvent = try reader.next()
                if skips(context, key) {
                    try reader.skipNode(valueEvent)
                    continue
                }
                let value = try build(valueEvent, child(of: context, key: key))
                if key == "<<", keyIsPlain {
                    // YAML merge key: the merged mappings' entries, unless the mapping sets them itself.
                    for source in value.isMapping ? [value] : value.items { merged.append(contentsOf: source.entries) }
                } else {
                    entries.append((key, value))
                }
            }
            for entry in merged where !entries.contains(where: { $0.key == entry.key }) {
                entries.append(entry)
            }
            let node = ManifestNode.mapping(entries)
            if let anchor { anchors[anchor] = node }
            return node
        default:
            throw error("unexpected \(first)")
        }
    }

    private func error(_ message: String) -> ManifestSyntaxError {
        ManifestSyntaxError(file: reader.file, line: reader.line, column: reader.column, message: message)
    }
}
