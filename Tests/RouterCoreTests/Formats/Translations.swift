import Foundation
import RouterCore

/// The translations the format tests drive, each client adapter in and provider adapter out.
let chatToAnthropic = Translation.between(client: .openAIChat, provider: .anthropicMessages)!
let messagesToChat = Translation.between(client: .anthropicMessages, provider: .openAIChat)!
let chatToGemini = Translation.between(client: .openAIChat, provider: .geminiGenerateContent)!
let responsesToAnthropic = Translation.between(client: .openAIResponses, provider: .anthropicMessages)!
let responsesToChat = Translation.between(client: .openAIResponses, provider: .openAIChat)!
let responsesToGemini = Translation.between(client: .openAIResponses, provider: .geminiGenerateContent)!

/// A JSON object from text (the format tests' fixtures).
func jsonObject(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
}
let chatToResponses = Translation.between(client: .openAIChat, provider: .openAIResponses)!
let messagesToResponses = Translation.between(client: .anthropicMessages, provider: .openAIResponses)!
let geminiToChat = Translation.between(client: .geminiGenerateContent, provider: .openAIChat)!
let geminiToAnthropic = Translation.between(client: .geminiGenerateContent, provider: .anthropicMessages)!
let geminiToResponses = Translation.between(client: .geminiGenerateContent, provider: .openAIResponses)!
