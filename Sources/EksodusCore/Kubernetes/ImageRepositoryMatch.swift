extension ImageReference {
    /// Whether `repository` (without registry or tag) is one of `images`, matched as whole trailing path components:
    /// `calico/node` is `docker.io/calico/node`'s, not `library/node`'s. The data tables name images this way.
    static func repository(_ repository: String, isOneOf images: [String]) -> Bool {
        images.contains { repository == $0 || repository.hasSuffix("/" + $0) }
    }
}
