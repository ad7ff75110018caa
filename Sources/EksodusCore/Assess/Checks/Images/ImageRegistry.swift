/// How eksodus classes the registry an image comes from.
enum ImageRegistry {
    /// Registries that serve public images (Docker Hub aside), as opposed to private, on-premises ones.
    static let publicRegistries: Set<String> = ["quay.io", "gcr.io", "registry.k8s.io", "k8s.gcr.io", "ghcr.io", "public.ecr.aws",
                                                "mcr.microsoft.com", "docker.elastic.co", "registry.gitlab.com", "nvcr.io", "cgr.dev",
                                                "registry.access.redhat.com", "registry.redhat.io", "registry.istio.io", "docker.io"]

    static func isECR(_ registry: String) -> Bool {
        registry.hasSuffix(".amazonaws.com") && registry.contains(".dkr.ecr.")
    }

    static func isPublic(_ registry: String) -> Bool {
        publicRegistries.contains(registry) || registry.hasSuffix(".pkg.dev") || registry.hasSuffix(".gcr.io")
    }

    /// A registry inside the company: not ECR, not a known public registry.
    static func isPrivate(_ registry: String) -> Bool {
        !isECR(registry) && !isPublic(registry)
    }
}
