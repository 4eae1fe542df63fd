export interface ChatConfig {
  method: string;
  headers: Record<string, string>;
  body: string;
}

export class OpenRouterClient {
  private readonly baseUrl = 'https://openrouter.ai/api/v1';

  constructor(private readonly apiKey: string = process.env.OPENROUTER_API_KEY ?? 'sk-or-dev-key') {}

  async complete(messages: { role: string; content: string }[]) {
    const config: ChatConfig = {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages }),
    };
    const response = await fetch(`${this.baseUrl}/chat/completions`, {
      ...config,
    });
    if (!response.ok) throw new Error(`OpenRouter error ${response.status}`);
    return response.json();
  }
}
