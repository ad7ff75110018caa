/// Parses YAML or JSON text held in memory: stored object bodies, embedded data tables, check examples.
public enum ManifestText {
    /// The objects of `text`, lists expanded, as an import reads them (without status and managedFields).
    public static func objects(_ text: String, name: String = "<text>") throws -> [ManifestNode] {
        try objects(bytes: Array(text.utf8), name: name)
    }

    /// The objects of raw bytes, which need not be valid UTF-8 (what a fuzzer feeds the reader).
    public static func objects(bytes: [UInt8], name: String = "<bytes>") throws -> [ManifestNode] {
        let reader = ManifestStreamReader(reader: YAMLEventReader(file: name, source: ByteSource(bytes: bytes)))
        var result: [ManifestNode] = []
        try reader.read { result.append($0.node) }
        return result
    }

    /// The value of a JSON text (a stored body or column); nil when it does not parse. The inventory's own compact JSON
    /// takes `StoredJSONReader`; anything else is wrapped in a one-key mapping for the YAML reader, so that arrays and
    /// scalars come back whole, not expanded as objects.
    public static func value(_ text: String) -> ManifestNode? {
        if let node = StoredJSONReader.value(text) { return node }
        return yamlValue(text)
    }

    /// `value` as the YAML reader alone reads it (what `StoredJSONReader` must agree with).
    static func yamlValue(_ text: String) -> ManifestNode? {
        (try? objects("{\"value\": " + text + "}"))?.first?["value"]
    }
}
