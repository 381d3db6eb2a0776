"""Looking inside trained models: filters, activations, DeepDream, timing."""
