"""The policy workbook: a customer-service policy the team writes together in chat."""
