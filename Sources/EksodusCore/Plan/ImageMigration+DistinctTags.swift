/// One source image per ECR tag. ECR tags are immutable, so when two images of one repository would write one tag
/// (`payments:3.9.0`, resolved at copy time, and `payments:3.9.0@sha256:<an older build>` pinned in another namespace),
/// whichever copy runs first keeps it: the wave that ran first decided what a manifest naming the tag pulls on EKS, and
/// the other copy stopped the script. A digest-pinned image pulls by its digest, so its tag is only a label: such images
/// write their digest as the tag instead (`sha256-<64 hex>`, as a digest-only image does) and their target names the
/// digest alone; the image named by tag alone keeps the tag.
extension ImageMigration {
    static func distinctTags(_ entries: [Entry], host: String) -> [Entry] {
        var writers: [String: Set<String>] = [:]
        for entry in entries where entry.method == .copy {
            writers[entry.repository + ":" + entry.copyTargetTag, default: []].insert(entry.copySourceReference)
        }
        guard writers.values.contains(where: { $0.count > 1 }) else { return entries }
        return entries.map { entry in
            guard entry.method == .copy, let digest = entry.image.digest, entry.image.tag != nil,
                  (writers[entry.repository + ":" + entry.copyTargetTag]?.count ?? 0) > 1 else { return entry }
            var moved = entry
            moved.sharedTagMovedTo = "sha256-" + digest.dropFirst("sha256:".count)  // build() kept sha256 digests only
            moved.targetReference = host + "/" + entry.repository + "@" + digest
            moved.warnings.append("another image of this repository writes its tag: copied under its digest as the tag")
            return moved
        }
    }
}
