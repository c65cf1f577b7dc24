pub mod imgdiff;
pub mod mock_server;
