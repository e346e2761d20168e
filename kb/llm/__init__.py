"""Language models behind one small seam: client, resilience, prompts, output sanitising."""
