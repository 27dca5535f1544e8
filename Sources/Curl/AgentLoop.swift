import CCurl
import Foundation

/// The agent thread's loop: takes commands, drives `curl_multi_perform`, completes finished
/// transfers and sleeps in `curl_multi_poll` until there is work or a wakeup.
/// All of its state lives on that one thread.
final class AgentLoop: @unchecked Sendable {
    private let multi: MultiHandle
    private let queue: CommandQueue
    private var transfers: [UInt64: Transfer] = [:]
    private var cancelledEarly: Set<UInt64> = []

    init(multi: MultiHandle, queue: CommandQueue) {
        self.multi = multi
        self.queue = queue
    }

    func run() {
        var running: Int32 = 0
        while true {
            for command in queue.drain() {
                switch command {
                case .add(let transfer): start(transfer)
                case .cancel(let id): cancel(id)
                case .stop:
                    stopAll()
                    return
                }
            }
            curl_multi_perform(multi.pointer, &running)
            completeFinished()
            curl_multi_poll(multi.pointer, nil, 0, 1000, nil)
        }
    }

    private func start(_ transfer: Transfer) {
        if cancelledEarly.remove(transfer.id) != nil {
            transfer.finish(.failure(CurlError.cancelled))
            return
        }
        do {
            try EasyConfigurator.configure(transfer)
        } catch {
            transfer.release()
            transfer.finish(.failure(error))
            return
        }
        transfers[transfer.id] = transfer
        curl_multi_add_handle(multi.pointer, transfer.easy)
    }

    private func cancel(_ id: UInt64) {
        guard let transfer = transfers.removeValue(forKey: id) else {
            cancelledEarly.insert(id)
            return
        }
        curl_multi_remove_handle(multi.pointer, transfer.easy)
        transfer.release()
        transfer.finish(.failure(CurlError.cancelled))
    }

    private func completeFinished() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi.pointer, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            var privatePointer: UnsafeMutableRawPointer?
            nr_easy_getinfo_ptr(easy, CURLINFO_PRIVATE, &privatePointer)
            curl_multi_remove_handle(multi.pointer, easy)
            guard let privatePointer else {
                curl_easy_cleanup(easy)
                continue
            }
            let transfer = Unmanaged<Transfer>.fromOpaque(privatePointer).takeUnretainedValue()
            transfers.removeValue(forKey: transfer.id)
            transfer.finish(result(of: transfer, code: code))
            transfer.release()
        }
    }

    private func result(of transfer: Transfer, code: CURLcode) -> Result<UpstreamResponse, any Error> {
        if code == CURLE_OK {
            var status = 0
            nr_easy_getinfo_long(transfer.easy, CURLINFO_RESPONSE_CODE, &status)
            return .success(UpstreamResponse(status: status, headers: transfer.responseHeaders, body: transfer.body))
        }
        if transfer.bodyTooLarge {
            return .failure(CurlError.transport(code: Int(code.rawValue), message: "response body over \(transfer.maxBodyBytes) bytes"))
        }
        let detail = transfer.curlErrorMessage.isEmpty ? String(cString: curl_easy_strerror(code)) : transfer.curlErrorMessage
        if code == CURLE_OPERATION_TIMEDOUT {
            return .failure(CurlError.timedOut(message: detail))
        }
        return .failure(CurlError.transport(code: Int(code.rawValue), message: detail))
    }

    private func stopAll() {
        for transfer in transfers.values {
            curl_multi_remove_handle(multi.pointer, transfer.easy)
            transfer.release()
            transfer.finish(.failure(CurlError.agentStopped))
        }
        transfers.removeAll()
        for command in queue.drain() {
            if case .add(let transfer) = command { transfer.finish(.failure(CurlError.agentStopped)) }
        }
        curl_multi_cleanup(multi.pointer)
    }
}
