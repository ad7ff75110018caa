import Crypto
import Foundation

/// One object read, with where it came from and its place in the import's reading order
/// (file index, then position in the file), which decides which reading wins when an object repeats.
struct ParsedObject {
    var object: ExtractedObject
    var file: String
    var order: Int64
}

/// What was read of one file.
struct FileReading {
    var index: Int
    var bytes: Int
    var documents: Int
    var digest: [UInt8]
    var notices: [ImportNotice]
}

enum ParseMessage {
    /// A batch of objects, and how far into its file (`index`) the reader had got.
    case objects([ParsedObject], file: Int, bytesRead: Int)
    case clusterFacts(ClusterFactsReading)
    case fileDone(FileReading)
    case failed(Error)
}

/// Parses and extracts files on worker threads, one file per worker at a time, and hands the objects to
/// the inventory writer through a bounded channel. Files are independent, so an estate exported as several
/// files uses every core; a single huge file still overlaps parsing with writing.
final class ParallelFileParser: @unchecked Sendable {
    private struct Cancelled: Error {}

    static let batchSize = 128

    let files: [String]
    let extractor: ObjectExtractor
    let channel: ObjectChannel<ParseMessage>
    let workers: Int
    private let lock = NSLock()
    private var nextIndex = 0
    private let templateBudget = TemplateExpansion.Budget()

    /// Whether objects no API server holds stop the import (`ObjectValidation`); see `Importer.validatesObjects`.
    let validates: Bool

    init(files: [String], extractor: ObjectExtractor, workers: Int, validates: Bool = true) {
        self.files = files
        self.validates = validates
        self.extractor = extractor
        self.workers = max(1, min(workers, files.count))
        channel = ObjectChannel(capacity: 8 * self.workers, producers: self.workers)
    }

    static var defaultWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    func start() {
        for _ in 0..<workers {
            let thread = Thread { [self] in work() }
            thread.stackSize = 8 << 20  // deep manifests recurse in the node builder
            thread.start()
        }
    }

    private func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < files.count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }

    private func work() {
        defer { channel.producerFinished() }
        while let index = claim() {
            do {
                try parse(index)
            } catch is Cancelled {
                return
            } catch {
                channel.put(.failed(error))
                return
            }
        }
    }

    /// Objects expanded from a Template are ordered below every object read as itself (see `TemplateExpansion`).
    static let templateOrderOffset: Int64 = 1 << 62

    /// What one worker carries from stream to stream of a file (an archive holds many).
    private struct StreamState {
        var batch: [ParsedObject] = []
        var position: Int64 = 0
        // The first Pod of each controller keeps its facts (for an owner missing from the export); its replicas need not.
        var replicaOwners: Set<String> = []
    }

    private func parse(_ index: Int) throws {
        let file = files[index]
        if ArchiveManifests.isArchive(file) { return try parseArchive(index) }
        let isStandardInput = file == ManifestSources.standardInput
        let name = isStandardInput ? "<stdin>" : file
        if !isStandardInput, !ManifestSources.hasManifestExtension(file), try parseTopOutput(index, file: file) { return }
        let source = isStandardInput
            ? ByteSource(descriptor: 0, ownsDescriptor: false, hasher: SHA256())
            : try ByteSource.open(path: file, hasher: SHA256())
        var state = StreamState()
        let (documents, notices) = try read(source, name: name, layoutPath: file, index: index, progress: source, state: &state)
        if !state.batch.isEmpty, !channel.put(.objects(state.batch, file: index, bytesRead: source.bytesRead)) { throw Cancelled() }
        let digest = Array(source.hasher?.finalize() ?? SHA256().finalize())
        let reading = FileReading(index: index, bytes: source.bytesRead, documents: documents, digest: digest, notices: notices)
        guard channel.put(.fileDone(reading)) else { throw Cancelled() }
    }

    /// Each manifest member of an archive, streamed; its objects are named `archive:member`.
    private func parseArchive(_ index: Int) throws {
        let file = files[index]
        let listing = try ArchiveManifests.list(file)
        var state = StreamState()
        var documents = 0
        var notices: [ImportNotice] = []
        var archiveBytes = 0
        let reading = try ArchiveManifests.read(file, members: listing.members) { member, source, archive in
            let counts = try read(source, name: "\(file):\(member)", layoutPath: member, index: index, progress: archive, state: &state)
            documents += counts.documents
            notices += counts.notices
            archiveBytes = archive.bytesRead
        }
        if !state.batch.isEmpty, !channel.put(.objects(state.batch, file: index, bytesRead: archiveBytes)) { throw Cancelled() }
        if listing.leftOut > 0 {
            notices.append(ImportNotice(file: file, line: 0, message: "\(file): \(listing.leftOut) copies of Velero objects stored under another API group or version were left out (the preferred copy is read)", skipped: 0))
        }
        if listing.dumpLeftOut > 0 {
            notices.append(ImportNotice(file: file, line: 0, message: "\(file): \(listing.dumpLeftOut) files of a diagnostic dump that hold no objects or hold them twice (logs, errors, events, per-Pod copies) were left out", skipped: 0))
        }
        guard channel.put(.fileDone(FileReading(index: index, bytes: reading.bytes, documents: documents, digest: reading.digest,
                                                notices: notices))) else { throw Cancelled() }
    }

    /// Reads one manifest stream, sending its objects in batches; returns its document count and notices.
    /// `layoutPath` is where the stream sits in its folder or archive, which may say the kind of kind-less objects;
    /// `progress` is the file whose bytes read the progress line shows (the archive, for a member).
    private func read(_ source: ByteSource, name: String, layoutPath: String, index: Int, progress: ByteSource,
                      state: inout StreamState) throws -> (documents: Int, notices: [ImportNotice]) {
        let stream = ManifestStreamReader(reader: YAMLEventReader(file: name, source: source))
        stream.impliedType = DumpLayouts.impliedType(layoutPath)
        stream.checksNames = !validates  // `ObjectValidation`, below, stops the import on a name no API server holds
        state.batch.reserveCapacity(Self.batchSize)
        var skipped = SampledNotices()
        var templateNotes = SampledNotices()
        var facts = ClusterFactsReading(file: name)
        func take(_ node: ManifestNode, line: Int, order: Int64, expanded: Bool = false) throws {
            switch validates ? ObjectValidation.check(node) : .valid {
            case .valid: break
            case .unsafe(let reason):
                skipped.add(line: line, "not a Kubernetes object (\(reason))")
                return
            case .refused(let reason):
                // A Template's object is no stored object: an unset parameter (`name: ${NAME}`) leaves it out with a note,
                // as `oc process` would refuse it; an object read as itself stops the import.
                guard expanded else { throw ImportValidationError(file: name, line: line, message: reason) }
                templateNotes.add(line: line, "a Template object left out: \(reason)")
                return
            }
            var podFacts = true
            if let owner = ObjectExtractor.replicaOwnerKey(node) { podFacts = state.replicaOwners.insert(owner).inserted }
            switch extractor.extract(node, line: line, podFacts: podFacts) {
            case .object(let extracted):
                state.batch.append(ParsedObject(object: extracted, file: name, order: order))
                if state.batch.count == Self.batchSize {
                    guard channel.put(.objects(state.batch, file: index, bytesRead: progress.bytesRead)) else { throw Cancelled() }
                    state.batch.removeAll(keepingCapacity: true)
                }
            case .notAnObject(let reason):
                skipped.add(line: line, "not a Kubernetes object (\(reason))")
            }
        }
        try stream.read { object in
            state.position += 1
            if readsClusterFact(object, into: &facts) { return }
            try take(object.node, line: object.line, order: Int64(index) << 32 | state.position)
            guard TemplateExpansion.isTemplate(object.node) else { return }
            let expansion = templateBudget.expand(object.node, defaultNamespace: extractor.defaultNamespace)
            for note in expansion.notes { templateNotes.add(line: object.line, note) }
            for expanded in expansion.objects {
                state.position += 1
                // Below every object read as itself: a live object the template made wins over the template's version.
                try take(expanded, line: object.line, order: (Int64(index) << 32 | state.position) - Self.templateOrderOffset, expanded: true)
            }
        }
        if !facts.isEmpty, !channel.put(.clusterFacts(facts)) { throw Cancelled() }
        skipped.merge(stream.counts.nonObjectDocuments)
        let notices = ImportNotice.sample(skipped, file: name, what: "documents that are not Kubernetes objects", skipped: true)
            + ImportNotice.sample(stream.counts.duplicateKeys, file: name, what: "duplicate keys", skipped: false)
            + ImportNotice.sample(templateNotes, file: name, what: "template parameter notes", skipped: false)
        return (stream.counts.documents, notices)
    }

    /// A document that is kubectl's version output or a PodMetrics object goes to `facts` instead of the inventory.
    private func readsClusterFact(_ object: ManifestStreamReader.Object, into facts: inout ClusterFactsReading) -> Bool {
        if let version = KubectlVersionOutput.serverVersion(object.node) {
            facts.serverVersion = (version, object.line)
            return true
        }
        if let usage = PodUsage.podMetrics(object.node, line: object.line, defaultNamespace: extractor.defaultNamespace) {
            facts.usage.append(usage)
            return true
        }
        return false
    }

    /// A file named on the command line without a manifest extension (`top.txt`) may be `kubectl top pods` output.
    /// Only a regular file is looked into: the first bytes of a FIFO, once read, would be lost to the YAML reader.
    private func parseTopOutput(_ index: Int, file: String) throws -> Bool {
        guard FileIdentity(path: file)?.type == .regular,
              let top = try TopPodsText.read(path: file, file: file, defaultNamespace: extractor.defaultNamespace) else { return false }
        var facts = ClusterFactsReading(file: file)
        facts.usage = top.usage
        var hasher = SHA256()
        hasher.update(data: top.bytes)
        if !facts.isEmpty, !channel.put(.clusterFacts(facts)) { throw Cancelled() }
        let reading = FileReading(index: index, bytes: top.bytes.count, documents: 1, digest: Array(hasher.finalize()), notices: [])
        guard channel.put(.fileDone(reading)) else { throw Cancelled() }
        return true
    }
}
