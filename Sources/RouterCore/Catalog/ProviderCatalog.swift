/// OpenAI-compatible services, each written down from its own documentation (the entry's
/// `docs`; where a service's page was silent, LiteLLM's provider notes were the cross-check):
/// a one-click choice in the admin API and the dashboard. Every entry is an `openai`
/// connection; what a service does not take of OpenAI's request is in its `quirks`, applied to
/// each call. `responses` is set only where the service keeps responses for
/// `previous_response_id` (stateless Responses servers are called through chat completions,
/// which the gateway's own Responses layer continues).
public enum ProviderCatalog {
    /// OpenAI-only fields of no meaning elsewhere, which strict servers refuse.
    private static let openAIOnly = ["store", "metadata", "service_tier"]

    public static let entries: [CatalogEntry] = [
        CatalogEntry("openrouter", "OpenRouter", base: "https://openrouter.ai/api/v1", embeddings: true,
                     docs: "https://openrouter.ai/docs/api-reference/overview"),
        CatalogEntry("groq", "Groq", base: "https://api.groq.com/openai/v1",
                     quirks: RequestQuirks(unsupported: ["logprobs", "top_logprobs", "logit_bias"]),
                     docs: "https://console.groq.com/docs/openai"),
        CatalogEntry("deepseek", "DeepSeek", base: "https://api.deepseek.com/v1",
                     quirks: RequestQuirks(renamed: RequestQuirks.maxTokens),
                     docs: "https://api-docs.deepseek.com/api/create-chat-completion"),
        CatalogEntry("mistral", "Mistral", base: "https://api.mistral.ai/v1", embeddings: true,
                     quirks: RequestQuirks(renamed: RequestQuirks.maxTokens.merging(["seed": "random_seed"]) { $1 },
                                           unsupported: ["stream_options", "logit_bias"] + openAIOnly),
                     docs: "https://docs.mistral.ai/api/"),
        CatalogEntry("xai", "xAI (Grok)", base: "https://api.x.ai/v1", responses: true,
                     docs: "https://docs.x.ai/docs/api-reference"),
        CatalogEntry("together", "Together AI", base: "https://api.together.ai/v1", embeddings: true,
                     docs: "https://docs.together.ai/docs/inference/openai-compatibility"),
        CatalogEntry("fireworks", "Fireworks AI", base: "https://api.fireworks.ai/inference/v1", responses: true,
                     embeddings: true, docs: "https://docs.fireworks.ai/tools-sdks/openai-compatibility"),
        CatalogEntry("cerebras", "Cerebras", base: "https://api.cerebras.ai/v1",
                     quirks: RequestQuirks(unsupported: ["frequency_penalty", "presence_penalty", "logit_bias",
                                                         "parallel_tool_calls", "service_tier"],
                                           developerAsSystem: true),
                     docs: "https://inference-docs.cerebras.ai/resources/openai"),
        CatalogEntry("perplexity", "Perplexity (Sonar)", base: "https://api.perplexity.ai",
                     quirks: RequestQuirks(unsupported: ["tools", "tool_choice", "parallel_tool_calls", "logit_bias",
                                                         "logprobs", "n"] + openAIOnly, alternatingTurns: true),
                     docs: "https://docs.perplexity.ai/docs/sonar/openai-compatibility"),
        CatalogEntry("nvidia", "NVIDIA NIM", base: "https://integrate.api.nvidia.com/v1", embeddings: true,
                     docs: "https://docs.api.nvidia.com/nim/reference/llm-apis"),
        CatalogEntry("ollama", "Ollama", base: "http://localhost:11434/v1", key: "none", keyRequired: false,
                     embeddings: true, local: true, quirks: RequestQuirks(renamed: RequestQuirks.maxTokens),
                     docs: "https://docs.ollama.com/api/openai-compatibility"),
        CatalogEntry("lmstudio", "LM Studio", base: "http://localhost:1234/v1", key: "none", keyRequired: false,
                     embeddings: true, local: true, quirks: RequestQuirks(renamed: RequestQuirks.maxTokens),
                     docs: "https://lmstudio.ai/docs/api/openai-api"),
        CatalogEntry("vllm", "vLLM", base: "http://localhost:8000/v1", keyRequired: false, embeddings: true, local: true,
                     docs: "https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html"),
        CatalogEntry("llamacpp", "llama.cpp server", base: "http://localhost:8080/v1", keyRequired: false,
                     embeddings: true, local: true, quirks: RequestQuirks(renamed: RequestQuirks.maxTokens),
                     docs: "https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md"),
    ]

    private static let byID = Dictionary(uniqueKeysWithValues: entries.map { ($0.id, $0) })

    public static func entry(id: String) -> CatalogEntry? { byID[id] }
}
