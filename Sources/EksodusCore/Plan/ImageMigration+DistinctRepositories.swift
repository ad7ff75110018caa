/// One ECR repository per source repository. `ECRRepositoryName.make` cleans a source path into a name ECR accepts, and
/// cleaning is not one-to-one: `shop--team` and `shop-team`, `a__b` and `a_b`, `reg:5000` and `reg-5000`, `Harbor.example`
/// and `harbor.example` all become one name, so a tenant's image could be copied onto another team's repository and tag
/// (and the converted manifests of both would run whichever copy came first).
///
/// A copy keeps the readable name only where cleaning left the source as written (prefix + `registry/repository`): such
/// names are one-to-one by construction, and stay the same whatever other images the estate holds. Every other one carries
/// 16 hex digits of the SHA-256 of its exact source (`…/payments-3f9a…`), so no source can choose a cleaned name that lands
/// on another's. Names that still meet (a readable name written to look like another's hashed one) are hashed in turn; a
/// name taken by a repository that already is in the registry or is a pull-through cache's stays theirs, and what would
/// still share one is refused, naming every source.
extension ImageMigration {
    static func distinctRepositories(_ entries: [Entry], host: String, prefix: String) -> [Entry] {
        // What the prefix itself becomes (`Migrated/` → `migrated/`), so that a source is readable when only its own part
        // came through cleaning unchanged.
        let cleanedPrefix = String(ecrRepositoryName(prefix + "xx").dropLast(2))
        func source(_ entry: Entry) -> String { entry.image.registry + "/" + entry.image.repository }
        func readable(_ entry: Entry) -> String { ecrRepositoryName(prefix + source(entry)) }
        func hashed(_ entry: Entry) -> String {
            let hash = DigestHex.sha256(source(entry), digits: 16)
            var cut = String(readable(entry).prefix(256 - 1 - hash.count))
            while let last = cut.last, !(last.isLetter || last.isNumber) { cut.removeLast() }
            return cut + "-" + hash
        }
        let copies = entries.indices.filter { entries[$0].method == .copy }
        // Names already fixed: a repository of this registry the images run from, and each pull-through cache's repositories.
        var fixed: [String: Set<String>] = [:]
        for entry in entries where (entry.method == .none && entry.image.registry == host) || entry.method == .pullThroughCache {
            fixed[entry.repository, default: []].insert(source(entry))
        }
        var needsHash = Set(copies.map { source(entries[$0]) }.filter { ecrRepositoryName(prefix + $0) != cleanedPrefix + $0 })
        var names: [String: String] = [:]
        while true {
            names = [:]
            var sources: [String: Set<String>] = fixed
            for index in copies {
                let entry = entries[index], key = source(entry)
                let name = needsHash.contains(key) ? hashed(entry) : readable(entry)
                names[key] = name
                sources[name, default: []].insert(key)
            }
            // A readable name another source also reaches is hashed, and so again until no readable name is shared.
            let shared = sources.filter { $0.value.count > 1 }.flatMap(\.value).filter { names[$0] != nil && !needsHash.contains($0) }
            if shared.isEmpty { break }
            needsHash.formUnion(shared)
        }
        var owners: [String: Set<String>] = fixed
        for (key, name) in names { owners[name, default: []].insert(key) }
        return entries.map { entry in
            guard entry.method == .copy, let name = names[source(entry)] else { return entry }
            var moved = entry
            if let others = owners[name], others.count > 1 {
                moved.method = .rejected
                moved.repository = ""
                moved.targetReference = ""
                moved.warnings = ["not migrated: ECR repository \(name) would hold \(others.count) source repositories (\(others.sorted().joined(separator: ", "))); "
                    + "move this image by hand"]
                return moved
            }
            moved.repository = name
            moved.targetReference = target(of: entry.image, in: host, repository: name)
            if needsHash.contains(source(entry)) {
                moved.warnings.append("repository name carries a hash of the source: the readable name is not one-to-one with it")
            }
            return moved
        }
    }
}
