// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "TicketWatch",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ticketwatch", targets: ["ticketwatch"]),
        .library(name: "TicketWatchCore", targets: ["TicketWatchCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // SQLite's C API, used directly (design card). Only TicketWatchCore/SQLite imports it.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // The notifier's libcurl goes here as a second system library (CCurl) plus a small C shim
        // target (CCurlShim) for the variadic curl_easy_setopt/getinfo.
        .target(
            name: "TicketWatchCore",
            dependencies: [
                "CSQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.embedInCode("Warehouse/schema.sql")]
        ),
        .executableTarget(
            name: "ticketwatch",
            dependencies: [
                "TicketWatchCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TicketWatchCoreTests",
            dependencies: ["TicketWatchCore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
