import RouterCore

/// The translations the format tests drive, each client adapter in and provider adapter out.
let chatToAnthropic = Translation.between(client: .openAIChat, provider: .anthropicMessages)!
let messagesToChat = Translation.between(client: .anthropicMessages, provider: .openAIChat)!
let chatToGemini = Translation.between(client: .openAIChat, provider: .geminiGenerateContent)!
