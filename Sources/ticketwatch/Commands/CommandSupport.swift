import ArgumentParser
import Foundation
import TicketWatchCore

/// Runs a command body so that every failure ends as one clear line on standard error and a non-zero exit,
/// instead of a stack of Swift type names.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch let error as ValidationError {
        throw error
    } catch {
        printError("\(error)")
        throw ExitCode.failure
    }
}

/// The daily job's lock (`run` and `pull` write the same cursors and files), or exit status 75 at once when another
/// process holds it.
func takeJobLock(_ warehousePath: String) throws -> JobLock {
    do {
        return try JobLock(warehousePath: warehousePath)
    } catch let error as JobLock.LockError {
        printError("\(error)")
        throw RunCommand.alreadyRunning
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("ticketwatch: error: \(message)\n".utf8))
}

/// Quotes a word for a POSIX shell, for commands the tool suggests to the user.
func shellQuoted(_ word: String) -> String {
    let safe = word.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./=:".unicodeScalars.contains($0) }
    return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

extension TicketFormat: ExpressibleByArgument {}
