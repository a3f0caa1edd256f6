"""Processing provider 'terraprompt' and its algorithms (thin adapters over plugin.core)."""
