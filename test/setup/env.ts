// Tests never reach a real API or a user's configuration by accident.
delete process.env.ANTHROPIC_API_KEY;
delete process.env.ANTHROPIC_BASE_URL;
process.env.NO_COLOR = '1';
