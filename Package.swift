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
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // SQLite's C API, used directly (design card). Only TicketWatchCore/SQLite imports it.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // libcurl's C API, used directly by the notifier. Only TicketWatchCore/HTTP imports it.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // curl_easy_setopt/getinfo are variadic and unavailable from Swift: one typed C wrapper per signature.
        .target(
            name: "CCurlShim",
            dependencies: ["CCurl"]
        ),
        .target(
            name: "TicketWatchCore",
            dependencies: [
                "CSQLite",
                "CCurl",
                "CCurlShim",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "TOMLKit", package: "TOMLKit"),
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
