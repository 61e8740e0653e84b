"""Routes: pages, partner lists, sponsorship, uploads, jobs and the JSON API."""
