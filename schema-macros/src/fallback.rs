//! What `#[migration]` emits when it fails: the errors, and the user's item unchanged so that
//! no flood of secondary errors (an unresolved `upgrade`, say) follows.

use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn migration(input: TokenStream, error: syn::Error) -> TokenStream {
    let error = error.into_compile_error();
    quote! {
        #error
        #input
    }
}
