// swift-tools-version:6.1
import PackageDescription

/// `fuzz/run.sh` sets EKSODUS_FUZZ to libFuzzer's main-less archive, which adds the fuzz target and builds the
/// reader with coverage and AddressSanitizer; an ordinary `swift build` or `swift test` never sees either.
let fuzzLibrary = Context.environment["EKSODUS_FUZZ"]
let fuzzFlags: [SwiftSetting] = fuzzLibrary == nil ? [] : [.unsafeFlags(["-sanitize=fuzzer,address"])]

let package = Package(
    name: "eksodus",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "eksodus", targets: ["eksodus"]),
        .library(name: "EksodusCore", targets: ["EksodusCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.0"),
    ],
    targets: [
        // libyaml's event parser, from the system (Debian: libyaml-dev).
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // zlib's inflate, from the system (Debian: zlib1g-dev), for Velero backups and other .tar.gz exports.
        // Chosen over compress-nio: that one brings swift-nio, minutes of build on every CI run, for one function.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        // Turns migrations/, Templates/ and samples/ into Swift source so the binary is self-contained.
        .executableTarget(name: "EmbedResources"),
        .plugin(
            name: "EmbedResourcesPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedResources"]
        ),
        .target(
            name: "EksodusCore",
            dependencies: [
                "CYAML",
                "CZlib",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: fuzzFlags,
            plugins: ["EmbedResourcesPlugin"]
        ),
        .executableTarget(
            name: "eksodus",
            dependencies: [
                "EksodusCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "EksodusCoreTests",
            dependencies: ["EksodusCore", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Snapshots", "FuzzRegressions", "EndToEnd", "Schemas"]
        ),
    ]
)

if let fuzzLibrary {
    package.targets.append(.executableTarget(
        name: "ManifestFuzzer",
        dependencies: ["EksodusCore"],
        path: "fuzz/ManifestFuzzer",
        swiftSettings: fuzzFlags,
        linkerSettings: [.unsafeFlags(["-sanitize=address", fuzzLibrary, "-lstdc++"])]
    ))
}
