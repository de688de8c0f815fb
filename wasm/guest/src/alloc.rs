//! The global allocator, with OPA heap-pointer semantics.
//!
//! Memory above `__heap_base` is one region whose top is what
//! `opa_heap_ptr_get` returns. New blocks are carved from the top; freed blocks
//! go to per-size-class free lists (powers of two, as OPA's own `malloc.c`
//! keeps free lists). `opa_heap_ptr_set(p)` moves the top to `p` and forgets
//! every free list, so nothing the module relies on ever lies above the
//! host's checkpoint: hosts may overwrite it (fast-path hosts write the input
//! there without calling `opa_malloc`) or discard it.
//!
//! The module runs single-threaded; the `static mut` state is only touched
//! through the functions below.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;

const PAGE: usize = 65536;
/// Smallest block: 16 bytes, so every block is 16-aligned.
const MIN_CLASS: u32 = 4;
const CLASSES: usize = 32;

struct Heap {
    top: usize,
    free: [usize; CLASSES],
}

static mut HEAP: Heap = Heap {
    top: 0,
    free: [0; CLASSES],
};

extern "C" {
    /// Defined by wasm-ld: the first byte after the stack and static data.
    static __heap_base: u8;
}

#[inline]
fn heap() -> &'static mut Heap {
    // SAFETY: single-threaded module; no reference outlives one call below.
    let h = unsafe { &mut *core::ptr::addr_of_mut!(HEAP) };
    if h.top == 0 {
        // Only the address of the linker symbol is taken.
        h.top = align_up(core::ptr::addr_of!(__heap_base) as usize, 16);
    }
    h
}

#[inline]
fn align_up(v: usize, a: usize) -> usize {
    (v + a - 1) & !(a - 1)
}

/// Size class of a block: log2 of its size, at least `MIN_CLASS`.
#[inline]
fn class_of(size: usize) -> u32 {
    let size = size.max(1 << MIN_CLASS);
    usize::BITS - (size - 1).leading_zeros()
}

/// Makes sure `[0, end)` is addressable, growing memory when needed. The host
/// may have grown memory itself, so the current size is queried every time.
fn ensure(end: usize) -> bool {
    let have = wasm32::memory_size(0) * PAGE;
    if end <= have {
        return true;
    }
    let pages = (end - have).div_ceil(PAGE);
    wasm32::memory_grow(0, pages) != usize::MAX
}

/// Carves `size` bytes aligned to `align` from the top.
fn bump(size: usize, align: usize) -> *mut u8 {
    let h = heap();
    let start = align_up(h.top, align);
    let Some(end) = start.checked_add(size) else {
        return core::ptr::null_mut();
    };
    if end > u32::MAX as usize || !ensure(end) {
        return core::ptr::null_mut();
    }
    h.top = end;
    start as *mut u8
}

pub fn heap_ptr_get() -> usize {
    heap().top
}

pub fn heap_ptr_set(p: usize) {
    let h = heap();
    h.top = p;
    h.free = [0; CLASSES];
}

/// `opa_malloc`: a block that lives until the next `opa_heap_ptr_set` below it.
pub fn malloc(size: usize) -> *mut u8 {
    // SAFETY: a valid, non-zero-sized layout.
    unsafe {
        GlobalAlloc::alloc(
            &PodauthAlloc,
            Layout::from_size_align_unchecked(size.max(1), 16),
        )
    }
}

pub struct PodauthAlloc;

unsafe impl GlobalAlloc for PodauthAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() > 16 {
            // Rare; such blocks are never reused.
            return bump(layout.size(), layout.align());
        }
        let class = class_of(layout.size());
        if class as usize >= CLASSES {
            return core::ptr::null_mut();
        }
        let h = heap();
        let head = h.free[class as usize];
        if head != 0 {
            // SAFETY: a free block holds the address of the next one.
            h.free[class as usize] = unsafe { *(head as *const usize) };
            return head as *mut u8;
        }
        bump(1 << class, 16)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if layout.align() > 16 {
            return;
        }
        let class = class_of(layout.size()) as usize;
        let h = heap();
        if ptr as usize >= h.top {
            // Above a checkpoint the host has since reset: already gone.
            return;
        }
        // SAFETY: the block is at least 16 bytes and no longer in use.
        unsafe { *(ptr as *mut usize) = h.free[class] };
        h.free[class] = ptr as usize;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= 16 && class_of(layout.size()) == class_of(new_size) {
            return ptr;
        }
        // SAFETY: same contract as GlobalAlloc::realloc.
        unsafe {
            let new = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
            if !new.is_null() {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}
